using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;

namespace Benchmarks;

/// <summary>
/// Options of the benchmark commands as <see cref="System.CommandLine"/> options, each checking its own range while
/// the command line is parsed, so a typo or an out-of-range value stops the tool before a model is loaded. Error
/// messages name the option and the value given. Custom parsers may run for an option that was not given (no
/// tokens): they then return the default, or null where the command decides.
/// </summary>
internal static class CliOptions
{
    /// <summary>A switch such as <c>--json</c>; it takes no value.</summary>
    public static Option<bool> Flag(string name, string description) => new(name)
    {
        Description = description,
        Arity = ArgumentArity.Zero,
    };

    public static Option<string> String(string name, string description, string fallback) => new(name)
    {
        Description = description,
        HelpName = "path",
        DefaultValueFactory = _ => fallback,
    };

    /// <summary>A string with no default (the command decides what its absence means).</summary>
    public static Option<string?> OptionalString(string name, string description, string helpName = "path") => new(name)
    {
        Description = description,
        HelpName = helpName,
    };

    public static Option<int> Int(string name, string description, int fallback, int minimum = 1) => new(name)
    {
        Description = description,
        HelpName = "n",
        DefaultValueFactory = _ => fallback,
        CustomParser = result => result.Tokens.Count == 0 ? fallback : ParseInt(result, name, result.Tokens[0].Value, minimum),
    };

    /// <summary>An integer whose default depends on something else (the command, a config file): null when not given.</summary>
    public static Option<int?> OptionalInt(string name, string description, int minimum = 1) => new(name)
    {
        Description = description,
        HelpName = "n",
        CustomParser = result => result.Tokens.Count == 0 ? null : ParseInt(result, name, result.Tokens[0].Value, minimum),
    };

    public static Option<double> Double(string name, string description, double fallback, double minimum = 0) => new(name)
    {
        Description = description,
        HelpName = "s",
        DefaultValueFactory = _ => fallback,
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return fallback;
            }
            string text = result.Tokens[0].Value;
            if (!double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out double value) || !double.IsFinite(value) || value < minimum)
            {
                result.AddError($"{name} must be a number >= {minimum.ToString(CultureInfo.InvariantCulture)}; got '{text}'.");
                return 0;
            }
            return value;
        },
    };

    /// <summary>
    /// A comma-separated list of integers, e.g. <c>--batches 1,8,32</c>. The default is the command's to apply
    /// (null when not given), so that help prints it as it is written: <paramref name="fallback"/>, comma-separated.
    /// </summary>
    public static Option<int[]?> IntList(string name, string description, int[] fallback, int minimum = 1) => new(name)
    {
        Description = $"{description} [default: {string.Join(',', fallback)}]",
        HelpName = "n,n,...",
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return null;
            }
            string text = result.Tokens[0].Value;
            var values = new List<int>();
            foreach (string part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                values.Add(ParseInt(result, name, part, minimum));
            }
            if (values.Count == 0)
            {
                result.AddError($"{name} needs at least one value.");
            }
            return values.ToArray();
        },
    };

    /// <summary>
    /// The list given, or <paramref name="fallback"/>. A list option not given reads as empty, not null
    /// (System.CommandLine's default for collections), and a list given empty is a parse error.
    /// </summary>
    public static T[] ListOr<T>(T[]? given, T[] fallback) => given is { Length: > 0 } ? given : fallback;

    /// <summary>
    /// One of an enum's names, case-insensitive; null when not given. Numbers are refused: they would parse as any
    /// integer, named or not.
    /// </summary>
    public static Option<TEnum?> Enum<TEnum>(string name, string description)
        where TEnum : struct, System.Enum => new(name)
    {
        Description = description,
        HelpName = string.Join("|", System.Enum.GetNames<TEnum>()),
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return null;
            }
            string text = result.Tokens[0].Value;
            if (text.Length == 0 || char.IsAsciiDigit(text[0]) || !System.Enum.TryParse(text, ignoreCase: true, out TEnum value))
            {
                result.AddError($"{name} must be one of {string.Join(", ", System.Enum.GetNames<TEnum>())}; got '{text}'.");
                return null;
            }
            return value;
        },
    };

    /// <summary>
    /// <c>on</c>/<c>off</c> (also true/false, 1/0); null when not given. Not an <c>Option&lt;bool?&gt;</c>: the parser
    /// lets a boolean option take only true/false as its value, and would leave "off" unmatched.
    /// </summary>
    public static Option<OnOff?> OnOff(string name, string description) => new(name)
    {
        Description = description,
        HelpName = "on|off",
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return null;
            }
            string text = result.Tokens[0].Value;
            switch (text.ToLowerInvariant())
            {
                case "on" or "true" or "1":
                    return Benchmarks.OnOff.On;
                case "off" or "false" or "0":
                    return Benchmarks.OnOff.Off;
                default:
                    result.AddError($"{name} must be on or off; got '{text}'.");
                    return null;
            }
        },
    };

    private static int ParseInt(ArgumentResult result, string name, string text, int minimum)
    {
        if (!int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out int value) || value < minimum)
        {
            result.AddError($"{name} must be an integer >= {minimum}; got '{text}'.");
            return minimum;
        }
        return value;
    }
}

/// <summary>The value of an on/off option (see <see cref="CliOptions.OnOff"/>).</summary>
internal enum OnOff
{
    Off,
    On,
}
