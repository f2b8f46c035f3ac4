namespace MiniLmExport;

/// <summary>A command followed by --name value pairs.</summary>
public sealed class Options
{
    private readonly Dictionary<string, string> _values;

    private Options(string command, Dictionary<string, string> values)
    {
        Command = command;
        _values = values;
    }

    public string Command { get; }

    public static Options Parse(string[] args)
    {
        if (args.Length == 0 || args.Length % 2 == 0)
        {
            throw new ArgumentException("usage: extract --out DIR | embed --model M --vocab V --data TSV --out FILE | ranges --model M --vocab V --data TSV --out JSON");
        }
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 1; i < args.Length; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal))
            {
                throw new ArgumentException($"expected an option, got '{args[i]}'");
            }
            values[args[i][2..]] = args[i + 1];
        }
        return new Options(args[0], values);
    }

    public string Get(string name) => Get(name, optional: false) ?? throw new ArgumentException($"--{name} is required");

    public string? Get(string name, bool optional) =>
        _values.TryGetValue(name, out var value) ? value : optional ? null : throw new ArgumentException($"--{name} is required");
}
