using System.Globalization;

namespace Benchmarks;

/// <summary>
/// <c>--name value</c> options and <c>--flag</c> switches after the subcommand. Every option a command reads is
/// recorded, so <see cref="RejectUnread"/> can refuse a misspelt one instead of silently benchmarking the defaults.
/// </summary>
internal sealed class CommandLineOptions
{
    private readonly Dictionary<string, string?> _values = new(StringComparer.Ordinal);
    private readonly HashSet<string> _read = new(StringComparer.Ordinal);

    private CommandLineOptions()
    {
    }

    /// <summary>Parses the arguments after the subcommand. A name followed by another name (or nothing) is a switch.</summary>
    public static CommandLineOptions Parse(IReadOnlyList<string> arguments)
    {
        var options = new CommandLineOptions();
        for (int i = 0; i < arguments.Count; i++)
        {
            string name = arguments[i];
            if (!name.StartsWith("--", StringComparison.Ordinal) || name.Length == 2)
            {
                throw new CommandLineException($"Unexpected argument '{name}': options look like --name value.");
            }
            bool hasValue = i + 1 < arguments.Count && !arguments[i + 1].StartsWith("--", StringComparison.Ordinal);
            if (!options._values.TryAdd(name, hasValue ? arguments[++i] : null))
            {
                throw new CommandLineException($"Option {name} is given twice.");
            }
        }
        return options;
    }

    public bool Has(string name)
    {
        _read.Add(name);
        return _values.ContainsKey(name);
    }

    /// <summary>A switch such as <c>--json</c>; giving it a value is an error.</summary>
    public bool Flag(string name)
    {
        if (!Has(name))
        {
            return false;
        }
        return _values[name] is null ? true : throw new CommandLineException($"{name} takes no value.");
    }

    public string? String(string name)
    {
        if (!Has(name))
        {
            return null;
        }
        return _values[name] ?? throw new CommandLineException($"{name} needs a value.");
    }

    public string String(string name, string fallback) => String(name) ?? fallback;

    public int Int(string name, int fallback, int minimum = 1)
    {
        string? text = String(name);
        return text is null ? fallback : ParseInt(name, text, minimum);
    }

    public double Double(string name, double fallback, double minimum = 0)
    {
        string? text = String(name);
        if (text is null)
        {
            return fallback;
        }
        if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || value < minimum)
        {
            throw new CommandLineException($"{name} must be a number >= {minimum}; got '{text}'.");
        }
        return value;
    }

    /// <summary>A comma-separated list of integers, e.g. <c>--batches 1,8,32</c>.</summary>
    public int[] IntList(string name, int[] fallback, int minimum = 1)
    {
        string? text = String(name);
        if (text is null)
        {
            return fallback;
        }
        return text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
            .Select(part => ParseInt(name, part, minimum))
            .ToArray() is { Length: > 0 } values
            ? values
            : throw new CommandLineException($"{name} needs at least one value.");
    }

    public TEnum Enum<TEnum>(string name, TEnum fallback)
        where TEnum : struct, System.Enum
    {
        string? text = String(name);
        if (text is null)
        {
            return fallback;
        }
        // Numeric strings would parse as any integer, named or not; only the names are accepted.
        if (char.IsAsciiDigit(text[0]) || !System.Enum.TryParse(text, ignoreCase: true, out TEnum value))
        {
            throw new CommandLineException($"{name} must be one of {string.Join(", ", System.Enum.GetNames<TEnum>())}; got '{text}'.");
        }
        return value;
    }

    /// <summary><c>on</c>/<c>off</c> (also true/false, 1/0).</summary>
    public bool OnOff(string name, bool fallback)
    {
        string? text = String(name);
        return text?.ToLowerInvariant() switch
        {
            null => fallback,
            "on" or "true" or "1" => true,
            "off" or "false" or "0" => false,
            _ => throw new CommandLineException($"{name} must be on or off; got '{text}'."),
        };
    }

    /// <summary>Throws when an option was given that the command never asked about.</summary>
    public void RejectUnread()
    {
        var unknown = _values.Keys.Where(name => !_read.Contains(name)).ToArray();
        if (unknown.Length > 0)
        {
            throw new CommandLineException($"Unknown option(s) for this command: {string.Join(", ", unknown)}.");
        }
    }

    private static int ParseInt(string name, string text, int minimum)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < minimum)
        {
            throw new CommandLineException($"{name} must be an integer >= {minimum}; got '{text}'.");
        }
        return value;
    }
}
