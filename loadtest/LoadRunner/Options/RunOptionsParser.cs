using System.Globalization;

namespace LoadRunner.Options;

/// <summary>
/// Reads the run options (<c>--name value</c> or <c>--name=value</c>) and checks each against its range, so a run
/// never starts on a typo. Throws <see cref="UsageException"/> naming the option at fault.
/// </summary>
internal static class RunOptionsParser
{
    public const string Usage = """
        usage: LoadRunner [run] [options]          load POST /predict and report latency and throughput
               LoadRunner serve-bare [--urls URL]  a minimal POST /predict with a fixed answer (the baseline)

        mode (one of; default --vus 10):
          --vus N                 closed loop: N virtual users, each sends when its previous request is answered
          --rate R                open loop: R requests/s on a fixed timetable (latency from the scheduled time)
          --max-in-flight N       open loop: outstanding requests at most (default 1000); past it requests are late
        options:
          --url URL               service base address (default http://127.0.0.1:8000)
          --duration D            measured window, e.g. 30s, 2m, 500ms (default 30s)
          --warmup D              unmeasured load before it (default 3s)
          --timeout D             per request (default 30s)
          --cache-rate F          share of requests drawn from the repeated text pool, 0..1 (default 0.95)
          --pool-size N           texts in the repeated pool (default 100)
          --texts FILE            one sentence per line, first tab-separated column (default eval/data/sst2/dev.tsv)
          --texts-per-request N   texts in each request (default 1)
          --prime / --no-prime    send each pool text once before the warmup (default: on when cache-rate > 0)
          --http2                 HTTP/2 with prior knowledge (h2c) instead of HTTP/1.1
          --fail-on-errors        exit code 1 when any measured request failed
        """;

    public static RunOptions Parse(IReadOnlyList<string> args)
    {
        var options = new RunOptions();
        bool vusGiven = false, rateGiven = false, maxInFlightGiven = false;
        bool? prime = null;
        for (int i = 0; i < args.Count; i++)
        {
            string arg = args[i];
            if (!arg.StartsWith("--", StringComparison.Ordinal))
            {
                throw new UsageException($"unexpected argument '{arg}'");
            }
            string name = arg;
            string? inlineValue = null;
            int equals = arg.IndexOf('=');
            if (equals > 0)
            {
                name = arg[..equals];
                inlineValue = arg[(equals + 1)..];
            }

            string Value()
            {
                if (inlineValue is not null)
                {
                    return inlineValue;
                }
                if (i + 1 >= args.Count)
                {
                    throw new UsageException($"{name} needs a value");
                }
                return args[++i];
            }

            void NoValue()
            {
                if (inlineValue is not null)
                {
                    throw new UsageException($"{name} takes no value");
                }
            }

            switch (name)
            {
                case "--url":
                    options = options with { Url = ParseUrl(name, Value()) };
                    break;
                case "--vus":
                    options = options with { VirtualUsers = ParseInt(name, Value(), 1, 100_000) };
                    vusGiven = true;
                    break;
                case "--rate":
                    options = options with { Rate = ParseDouble(name, Value(), 0.001, 10_000_000) };
                    rateGiven = true;
                    break;
                case "--max-in-flight":
                    options = options with { MaxInFlight = ParseInt(name, Value(), 1, 100_000) };
                    maxInFlightGiven = true;
                    break;
                case "--duration":
                    options = options with { Duration = ParseDuration(name, Value(), allowZero: false) };
                    break;
                case "--warmup":
                    options = options with { Warmup = ParseDuration(name, Value(), allowZero: true) };
                    break;
                case "--timeout":
                    options = options with { Timeout = ParseDuration(name, Value(), allowZero: false) };
                    break;
                case "--cache-rate":
                    options = options with { CacheRate = ParseDouble(name, Value(), 0, 1) };
                    break;
                case "--pool-size":
                    options = options with { PoolSize = ParseInt(name, Value(), 1, 10_000_000) };
                    break;
                case "--texts":
                    options = options with { TextsPath = Value() };
                    break;
                case "--texts-per-request":
                    options = options with { TextsPerRequest = ParseInt(name, Value(), 1, 100_000) };
                    break;
                case "--prime":
                    NoValue();
                    prime = true;
                    break;
                case "--no-prime":
                    NoValue();
                    prime = false;
                    break;
                case "--http2":
                    NoValue();
                    options = options with { Http2 = true };
                    break;
                case "--fail-on-errors":
                    NoValue();
                    options = options with { FailOnErrors = true };
                    break;
                default:
                    throw new UsageException($"unknown option '{name}'");
            }
        }

        if (vusGiven && rateGiven)
        {
            throw new UsageException("--vus (closed loop) and --rate (open loop) exclude each other");
        }
        if (maxInFlightGiven && !rateGiven)
        {
            throw new UsageException("--max-in-flight applies to the open loop only (--rate)");
        }
        return options with
        {
            Mode = rateGiven ? RunMode.OpenLoop : RunMode.ClosedLoop,
            Prime = prime ?? options.CacheRate > 0,
        };
    }

    private static Uri ParseUrl(string name, string value)
    {
        if (!Uri.TryCreate(value, UriKind.Absolute, out var url) || (url.Scheme != Uri.UriSchemeHttp && url.Scheme != Uri.UriSchemeHttps))
        {
            throw new UsageException($"{name} '{value}' is not an absolute http:// or https:// address");
        }
        return url;
    }

    private static int ParseInt(string name, string value, int min, int max)
    {
        if (!int.TryParse(value, NumberStyles.Integer, CultureInfo.InvariantCulture, out int number) || number < min || number > max)
        {
            throw new UsageException($"{name} '{value}' must be a whole number from {min} to {max}");
        }
        return number;
    }

    private static double ParseDouble(string name, string value, double min, double max)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double number)
            || !double.IsFinite(number) || number < min || number > max)
        {
            throw new UsageException($"{name} '{value}' must be a number from {min.ToString(CultureInfo.InvariantCulture)} to {max.ToString(CultureInfo.InvariantCulture)}");
        }
        return number;
    }

    private static TimeSpan ParseDuration(string name, string value, bool allowZero)
    {
        if (!DurationText.TryParse(value, out var duration) || (!allowZero && duration <= TimeSpan.Zero))
        {
            throw new UsageException($"{name} '{value}' must be a {(allowZero ? "" : "positive ")}duration such as 500ms, 30s, 2m (at most 1 day)");
        }
        return duration;
    }
}
