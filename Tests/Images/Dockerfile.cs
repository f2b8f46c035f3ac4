using System.Text.Json;
using System.Text.RegularExpressions;

namespace Tests.Images;

/// <summary>
/// A Dockerfile read the simple way (no engine runs here): instructions with their continuation lines joined,
/// grouped into stages. Enough to check what the images copy and to rebuild their layout (<see cref="ImageLayout"/>).
/// </summary>
public sealed partial class Dockerfile
{
    private Dockerfile(IReadOnlyList<DockerStage> stages) => Stages = stages;

    public IReadOnlyList<DockerStage> Stages { get; }

    public static Dockerfile Load(string path)
    {
        var stages = new List<DockerStage>();
        // ARGs before the first FROM: what FROM lines may use (${NAME}), with their defaults (the build's without --build-arg).
        var globals = new Dictionary<string, string>();
        DockerStage? current = null;
        foreach (var (keyword, arguments) in Instructions(File.ReadAllLines(path)))
        {
            if (keyword == "ARG" && current is null)
            {
                var (name, value) = DockerInstruction.ArgDefault(arguments);
                globals[name] = Expand(value, globals);
            }
            else if (keyword == "FROM")
            {
                var match = FromPattern().Match(arguments);
                Assert.True(match.Success, $"FROM not understood: {arguments}");
                string image = Expand(match.Groups["image"].Value, globals);
                var parent = stages.FirstOrDefault(s => s.Name == image);
                current = new DockerStage(match.Groups["name"].Success ? match.Groups["name"].Value : $"stage{stages.Count}", image, parent);
                stages.Add(current);
            }
            else if (current is not null)
            {
                current.Instructions.Add(new DockerInstruction(keyword, arguments));
            }
        }
        return new Dockerfile(stages);
    }

    /// <summary>Replaces <c>${NAME}</c> and <c>$NAME</c> by the values given; an unknown name fails.</summary>
    public static string Expand(string text, IReadOnlyDictionary<string, string> values) =>
        Variable().Replace(text, m =>
        {
            string name = m.Groups["braced"].Success ? m.Groups["braced"].Value : m.Groups["bare"].Value;
            Assert.True(values.TryGetValue(name, out var value), $"${name} has no value in '{text}'");
            return value!;
        });

    public DockerStage Stage(string name) =>
        Stages.SingleOrDefault(s => s.Name == name) ?? throw new InvalidOperationException($"No stage '{name}' in the Dockerfile.");

    /// <summary>Joins continuation lines, drops comments and blank lines, splits each instruction into keyword and arguments.</summary>
    private static IEnumerable<(string Keyword, string Arguments)> Instructions(string[] lines)
    {
        var pending = "";
        foreach (var raw in lines)
        {
            var line = raw.TrimEnd();
            if (pending.Length == 0 && (line.TrimStart().StartsWith('#') || line.Trim().Length == 0))
            {
                continue;
            }
            if (pending.Length > 0 && line.TrimStart().StartsWith('#'))
            {
                continue;
            }
            if (line.EndsWith('\\'))
            {
                pending += line[..^1] + " ";
                continue;
            }
            var whole = (pending + line).Trim();
            pending = "";
            int space = whole.IndexOf(' ');
            yield return space < 0 ? (whole.ToUpperInvariant(), "") : (whole[..space].ToUpperInvariant(), whole[(space + 1)..].Trim());
        }
    }

    /// <summary>The arguments of an exec-form instruction (<c>["a", "b"]</c>).</summary>
    public static string[] ExecForm(string arguments) =>
        JsonSerializer.Deserialize<string[]>(arguments) ?? throw new InvalidOperationException($"Not an exec form: {arguments}");

    [GeneratedRegex(@"\$(\{(?<braced>[A-Za-z_][A-Za-z0-9_]*)\}|(?<bare>[A-Za-z_][A-Za-z0-9_]*))")]
    private static partial Regex Variable();

    [GeneratedRegex(@"^(--platform=\S+\s+)?(?<image>\S+)(\s+AS\s+(?<name>\S+))?$", RegexOptions.IgnoreCase)]
    private static partial Regex FromPattern();
}

/// <summary>One <c>FROM ... AS name</c> stage; <see cref="Parent"/> is the stage it builds on, if any.</summary>
public sealed record DockerStage(string Name, string Image, DockerStage? Parent)
{
    public List<DockerInstruction> Instructions { get; } = [];

    /// <summary>This stage's instructions after those of the stages it builds on, oldest first.</summary>
    public IEnumerable<DockerInstruction> Effective() => (Parent?.Effective() ?? []).Concat(Instructions);

    public IEnumerable<DockerInstruction> All(string keyword) => Effective().Where(i => i.Keyword == keyword);

    /// <summary>The stage's own ARGs with their defaults (what RUN sees without --build-arg), later ones winning.</summary>
    public Dictionary<string, string> Arguments()
    {
        var arguments = new Dictionary<string, string>();
        foreach (var instruction in Instructions.Where(i => i.Keyword == "ARG"))
        {
            var (name, value) = DockerInstruction.ArgDefault(instruction.Arguments);
            arguments[name] = value;
        }
        return arguments;
    }

    /// <summary>Environment of the stage: every ENV, later ones winning (<c>K=V</c> pairs, optionally quoted, several per line).</summary>
    public Dictionary<string, string> Environment()
    {
        var environment = new Dictionary<string, string>();
        foreach (var instruction in All("ENV"))
        {
            foreach (Match pair in DockerInstruction.EnvPair().Matches(instruction.Arguments))
            {
                environment[pair.Groups["key"].Value] = pair.Groups["value"].Value.Trim('"');
            }
        }
        return environment;
    }
}

/// <summary>One instruction; COPY is split into its optional <c>--from</c> stage, sources and destination.</summary>
public sealed partial record DockerInstruction(string Keyword, string Arguments)
{
    public (string? From, string[] Sources, string Destination) Copy()
    {
        var words = Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        string? from = words.FirstOrDefault(w => w.StartsWith("--from=", StringComparison.Ordinal))?["--from=".Length..];
        var paths = words.Where(w => !w.StartsWith("--", StringComparison.Ordinal)).ToArray();
        return (from, paths[..^1], paths[^1]);
    }

    /// <summary><c>ARG NAME=default</c> (an ARG without a default is empty).</summary>
    public static (string Name, string Value) ArgDefault(string arguments)
    {
        int equals = arguments.IndexOf('=');
        return equals < 0 ? (arguments.Trim(), "") : (arguments[..equals].Trim(), arguments[(equals + 1)..].Trim().Trim('"'));
    }

    [GeneratedRegex(@"(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?<value>""[^""]*""|\S*)")]
    internal static partial Regex EnvPair();
}
