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
        DockerStage? current = null;
        foreach (var (keyword, arguments) in Instructions(File.ReadAllLines(path)))
        {
            if (keyword == "FROM")
            {
                var match = FromPattern().Match(arguments);
                Assert.True(match.Success, $"FROM not understood: {arguments}");
                string image = match.Groups["image"].Value;
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

    [GeneratedRegex(@"(?<key>[A-Za-z_][A-Za-z0-9_]*)=(?<value>""[^""]*""|\S*)")]
    internal static partial Regex EnvPair();
}
