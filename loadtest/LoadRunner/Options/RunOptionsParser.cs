using System.CommandLine;
using System.CommandLine.Parsing;
using System.Globalization;
using LoadRunner.Workload;

namespace LoadRunner.Options;

/// <summary>
/// The run options as System.CommandLine options (<c>--name value</c> or <c>--name=value</c>), each checked against
/// its range while the command line is parsed, so a run never starts on a typo; every message names the option at
/// fault. Defaults live in <see cref="RunOptions"/>: an option not given leaves its value as is. One instance per
/// command that takes the options (the root command and <c>run</c>).
/// </summary>
internal sealed class RunOptionsParser
{
    private static readonly RunOptions Defaults = new();

    private readonly Option<int?> _vus = Int("--vus", "closed loop: N virtual users, each sends when its previous request is answered (the default mode)", Defaults.VirtualUsers, 1, 100_000);
    private readonly Option<double?> _rate = Double("--rate", "open loop: R requests/s on a fixed timetable (latency from the scheduled time)", null, 0.001, 10_000_000);
    private readonly Option<int?> _maxInFlight = Int("--max-in-flight", "open loop: outstanding requests at most; past it requests are late", Defaults.MaxInFlight, 1, 100_000);
    private readonly Option<Uri?> _url = new("--url")
    {
        Description = $"service base address; requests go to URL/predict (default {Defaults.Url.OriginalString})",
        HelpName = "url",
        CustomParser = ParseUrl,
    };
    private readonly Option<TimeSpan?> _duration = Duration("--duration", "measured window, e.g. 30s, 2m, 500ms", Defaults.Duration, allowZero: false);
    private readonly Option<TimeSpan?> _warmup = Duration("--warmup", "unmeasured load before it", Defaults.Warmup, allowZero: true);
    private readonly Option<TimeSpan?> _timeout = Duration("--timeout", "per request", Defaults.Timeout, allowZero: false);
    private readonly Option<double?> _cacheRate = Double("--cache-rate", "share of requests drawn from the repeated text pool, 0..1", Defaults.CacheRate, 0, 1);
    private readonly Option<int?> _poolSize = Int("--pool-size", "texts in the repeated pool", Defaults.PoolSize, 1, 10_000_000);
    private readonly Option<string?> _texts = new("--texts")
    {
        Description = $"one sentence per line, first tab-separated column (default {RepositoryRoot.DefaultTextsRelativePath})",
        HelpName = "file",
    };
    private readonly Option<int?> _textsPerRequest = Int("--texts-per-request", "texts in each request", Defaults.TextsPerRequest, 1, 100_000);
    private readonly Option<bool> _prime = Flag("--prime", "send each pool text once before the warmup (default: on when cache-rate > 0)");
    private readonly Option<bool> _noPrime = Flag("--no-prime", "do not");
    private readonly Option<bool> _http2 = Flag("--http2", "HTTP/2 with prior knowledge (h2c) instead of HTTP/1.1");
    private readonly Option<bool> _failOnErrors = Flag("--fail-on-errors", "exit code 1 when any measured request failed");

    private IEnumerable<Option> All =>
    [
        _vus, _rate, _maxInFlight, _url, _duration, _warmup, _timeout, _cacheRate, _poolSize, _texts, _textsPerRequest, _prime, _noPrime, _http2, _failOnErrors,
    ];

    /// <summary>Adds the options to <paramref name="command"/>, with the checks that concern several of them.</summary>
    public void AddTo(Command command)
    {
        foreach (var option in All)
        {
            command.Options.Add(option);
        }
        command.Validators.Add(result =>
        {
            bool Given(Option option) => result.GetResult(option) is { Implicit: false };
            if (Given(_vus) && Given(_rate))
            {
                result.AddError("--vus (closed loop) and --rate (open loop) exclude each other");
            }
            if (Given(_maxInFlight) && !Given(_rate))
            {
                result.AddError("--max-in-flight applies to the open loop only (--rate)");
            }
            if (Given(_prime) && Given(_noPrime))
            {
                result.AddError("--prime and --no-prime exclude each other");
            }
        });
    }

    /// <summary>The options of a parse without errors.</summary>
    public RunOptions Read(ParseResult parse)
    {
        double? rate = parse.GetValue(_rate);
        double cacheRate = parse.GetValue(_cacheRate) ?? Defaults.CacheRate;
        bool? prime = parse.GetValue(_prime) ? true : parse.GetValue(_noPrime) ? false : null;
        return new RunOptions
        {
            Url = parse.GetValue(_url) ?? Defaults.Url,
            Mode = rate is null ? RunMode.ClosedLoop : RunMode.OpenLoop,
            VirtualUsers = parse.GetValue(_vus) ?? Defaults.VirtualUsers,
            Rate = rate ?? Defaults.Rate,
            MaxInFlight = parse.GetValue(_maxInFlight) ?? Defaults.MaxInFlight,
            Duration = parse.GetValue(_duration) ?? Defaults.Duration,
            Warmup = parse.GetValue(_warmup) ?? Defaults.Warmup,
            Timeout = parse.GetValue(_timeout) ?? Defaults.Timeout,
            CacheRate = cacheRate,
            PoolSize = parse.GetValue(_poolSize) ?? Defaults.PoolSize,
            TextsPath = parse.GetValue(_texts),
            TextsPerRequest = parse.GetValue(_textsPerRequest) ?? Defaults.TextsPerRequest,
            Http2 = parse.GetValue(_http2),
            FailOnErrors = parse.GetValue(_failOnErrors),
            Prime = prime ?? cacheRate > 0,
        };
    }

    /// <summary>Parses run options alone (no command word); throws <see cref="UsageException"/> with the first error.</summary>
    public static RunOptions Parse(IReadOnlyList<string> args)
    {
        var parser = new RunOptionsParser();
        var command = new RootCommand();
        parser.AddTo(command);
        var parse = command.Parse(args);
        return parse.Errors.Count > 0 ? throw new UsageException(parse.Errors[0].Message) : parser.Read(parse);
    }

    private static Option<bool> Flag(string name, string description) => new(name)
    {
        Description = description,
        Arity = ArgumentArity.Zero,
    };

    private static Option<int?> Int(string name, string description, int? fallback, int min, int max) => new(name)
    {
        Description = WithDefault(description, fallback?.ToString(CultureInfo.InvariantCulture)),
        HelpName = "n",
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return null; // not given: the default of RunOptions applies
            }
            string value = result.Tokens[0].Value;
            if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int number) || number < min || number > max)
            {
                result.AddError($"{name} '{value}' must be a whole number from {min} to {max}");
                return null;
            }
            return number;
        },
    };

    private static Option<double?> Double(string name, string description, double? fallback, double min, double max) => new(name)
    {
        Description = WithDefault(description, fallback?.ToString(CultureInfo.InvariantCulture)),
        HelpName = "x",
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return null; // not given: the default of RunOptions applies
            }
            string value = result.Tokens[0].Value;
            if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
                || !double.IsFinite(number) || number < min || number > max)
            {
                result.AddError($"{name} '{value}' must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
                return null;
            }
            return number;
        },
    };

    private static Option<TimeSpan?> Duration(string name, string description, TimeSpan fallback, bool allowZero) => new(name)
    {
        Description = WithDefault(description, DurationText.Format(fallback)),
        HelpName = "duration",
        CustomParser = result =>
        {
            if (result.Tokens.Count == 0)
            {
                return null; // not given: the default of RunOptions applies
            }
            string value = result.Tokens[0].Value;
            if (!DurationText.TryParse(value, out var duration) || (!allowZero && duration <= TimeSpan.Zero))
            {
                result.AddError($"{name} '{value}' must be a {(allowZero ? "" : "positive ")}duration such as 500ms, 30s, 2m (at most 1 day)");
                return null;
            }
            return duration;
        },
    };

    private static Uri? ParseUrl(ArgumentResult result)
    {
        if (result.Tokens.Count == 0)
        {
            return null; // not given: the default of RunOptions applies
        }
        string value = result.Tokens[0].Value;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            result.AddError($"--url '{value}' is not an absolute http:// or https:// address");
            return null;
        }
        return url;
    }

    private static string WithDefault(string description, string? fallback) => fallback is null ? description : $"{description} (default {fallback})";
}
