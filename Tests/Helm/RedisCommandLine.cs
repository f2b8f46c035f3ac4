using YamlDotNet.RepresentationModel;

namespace Tests.Helm;

/// <summary>The <c>redis-server</c> options of a rendered Redis StatefulSet (<c>sh -c "exec redis-server --opt value ..."</c>).</summary>
public static class RedisCommandLine
{
    /// <summary>Option and value pairs, in order, quotes removed (<c>--save ""</c> gives an empty value).</summary>
    public static IReadOnlyList<(string Option, string Value)> Options(Manifest redis)
    {
        var container = redis.Containers.Single();
        string command = string.Join(' ', container.Items("args").Select(a => ((YamlScalarNode)a).Value));
        var words = command.Split(' ', StringSplitOptions.RemoveEmptyEntries).Select(w => w.Trim('"')).ToList();
        Assert.Equal(["exec", "redis-server"], words.Take(2));
        var options = new List<(string, string)>();
        for (int i = 2; i < words.Count; i += 2)
        {
            Assert.StartsWith("--", words[i]);
            options.Add((words[i], i + 1 < words.Count ? words[i + 1] : ""));
        }
        return options;
    }

    /// <summary>The value of <paramref name="option"/>, which must appear once.</summary>
    public static string Option(Manifest redis, string option) => Options(redis).Single(o => o.Option == option).Value;
}
