using System.Collections.Concurrent;
using System.CommandLine;
using System.Diagnostics;
using System.Net;

namespace Benchmarks;

/// <summary>
/// <c>memory-http</c>: issue 14's memory stream as a user makes it. <c>--texts</c> unique short texts
/// (<see cref="UniqueTexts"/>) go to a running service's <c>POST /predict</c> over real HTTP,
/// <c>--texts-per-request</c> a request and <c>--concurrency</c> requests in flight; the service process's RSS
/// (<c>--pid</c>) is read at the points of <see cref="StreamSamplePlan"/>, each once every request before it has
/// been answered. The figure is <see cref="RssLevel"/>: how far RSS strays, after the first million texts, from its
/// level there. Any answer but 200 is counted by status (a 503 from overload or shedding is a finding, not noise).
/// </summary>
internal static class MemoryHttpCommand
{
    public const string Name = "memory-http";

    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(60);

    public static Command Create()
    {
        var urlOption = new Option<Uri>("--url")
        {
            Description = "the running service, e.g. http://127.0.0.1:8190",
            HelpName = "url",
            Required = true,
            CustomParser = result =>
            {
                string text = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
                if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                {
                    result.AddError($"--url must be an absolute http(s) URL; got '{text}'.");
                    return null;
                }
                // A trailing slash, so that "predict" resolves under the URL's path.
                return url.AbsolutePath.EndsWith('/') ? url : new Uri(url + "/");
            },
        };
        var pidOption = new Option<int>("--pid") { Description = "the service's process id (its RSS is read from /proc/PID/status)", HelpName = "pid", Required = true };
        var textsOption = CliOptions.Int("--texts", "unique texts streamed", 10_000_000);
        var perRequestOption = CliOptions.Int("--texts-per-request", "texts in one request (the service's Api:MaxTexts is 128)", 128);
        var concurrencyOption = CliOptions.Int("--concurrency", "requests in flight at once", 8);
        var jsonOption = CliOptions.Flag("--json", "end with one line SUMMARY {json}");
        var command = new Command(Name, "RSS of a running service while unique texts stream through its HTTP API")
        {
            urlOption, pidOption, textsOption, perRequestOption, concurrencyOption, jsonOption,
        };
        command.SetAction((parse, cancellation) => RunAsync(
            parse.InvocationConfiguration.Output,
            new Settings(
                parse.GetRequiredValue(urlOption),
                parse.GetValue(pidOption),
                parse.GetValue(textsOption),
                parse.GetValue(perRequestOption),
                parse.GetValue(concurrencyOption),
                parse.GetValue(jsonOption)),
            cancellation));
        return command;
    }

    private static async Task<int> RunAsync(TextWriter output, Settings settings, CancellationToken cancellation)
    {
        using var http = new HttpClient(new SocketsHttpHandler
        {
            MaxConnectionsPerServer = settings.Concurrency,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            UseProxy = false,
            UseCookies = false,
        })
        {
            BaseAddress = settings.Url,
            Timeout = RequestTimeout,
        };
        var errors = new ConcurrentDictionary<string, long>();
        double rssAtStart = ProcessRss.Read(settings.Pid) / 1048576.0;
        output.WriteLine($"# {Name}: {settings.Texts:N0} unique texts to {settings.Url}predict, {settings.TextsPerRequest} a request, " +
            $"{settings.Concurrency} requests in flight; RSS of process {settings.Pid}: {rssAtStart:F0} MB at start");
        output.WriteLine($"  {"texts",12}  {"RSS MB",8}  {"texts/s",9}  {"errors",7}  {"seconds",8}");

        var samples = new List<RssSample>();
        using var client = Process.GetCurrentProcess();
        var clientCpuBefore = client.TotalProcessorTime;
        long started = Stopwatch.GetTimestamp();
        long from = 0;
        foreach (long point in StreamSamplePlan.Points(settings.Texts))
        {
            long segment = Stopwatch.GetTimestamp();
            await StreamAsync(http, from, point, settings, errors, cancellation);
            double segmentSeconds = Stopwatch.GetElapsedTime(segment).TotalSeconds;
            samples.Add(new RssSample(point, Stopwatch.GetElapsedTime(started).TotalSeconds, ProcessRss.Read(settings.Pid) / 1048576.0));
            output.WriteLine($"  {point,12:N0}  {samples[^1].Megabytes,8:F0}  {(point - from) / segmentSeconds,9:N0}  {errors.Values.Sum(),7:N0}  {samples[^1].Seconds,8:F1}");
            from = point;
        }
        double seconds = Stopwatch.GetElapsedTime(started).TotalSeconds;
        double clientCpuSeconds = (client.TotalProcessorTime - clientCpuBefore).TotalSeconds;
        double textsPerSecond = settings.Texts / seconds;
        var level = RssLevel.Of(samples);
        long failedRequests = errors.Values.Sum();
        output.WriteLine($"# level {level.At.Megabytes:F0} MB after {level.At.Texts:N0} texts; later samples within ±{level.MaxDeviationPercent:F1} % of it (target 10 %)");
        output.WriteLine($"# {textsPerSecond:N0} texts/s over {seconds:F0} s; this client used {clientCpuSeconds:F0} s of CPU ({clientCpuSeconds / seconds:P0} of one core); " +
            $"requests not answered 200: {(failedRequests == 0 ? "none" : string.Join(", ", errors.OrderBy(e => e.Key).Select(e => $"{e.Key}: {e.Value:N0}")))}; " +
            $"load avg {MachineLoad.Read()}");

        if (settings.Json)
        {
            SummaryLine.Write(output, new
            {
                command = Name,
                url = settings.Url.ToString(),
                texts = settings.Texts,
                textsPerRequest = settings.TextsPerRequest,
                concurrency = settings.Concurrency,
                seconds = SummaryLine.Round(seconds, 1),
                textsPerSecond = SummaryLine.Round(textsPerSecond, 0),
                clientCpuSeconds = SummaryLine.Round(clientCpuSeconds, 1),
                rssMegabytesAtStart = SummaryLine.Round(rssAtStart, 1),
                rssMegabytes = samples.Select(s => SummaryLine.Round(s.Megabytes, 1)).ToArray(),
                sampleTexts = samples.Select(s => s.Texts).ToArray(),
                levelAfterFirstMillion = SummaryLine.Round(level.At.Megabytes, 1),
                levelTexts = level.At.Texts,
                maxDeviationPercent = SummaryLine.Round(level.MaxDeviationPercent, 1),
                failedRequests,
                errorsByStatus = new SortedDictionary<string, long>(errors),
            });
        }
        return 0;
    }

    /// <summary>Texts <paramref name="from"/> .. <paramref name="to"/> - 1, every request answered when it returns.</summary>
    private static Task StreamAsync(HttpClient http, long from, long to, Settings settings, ConcurrentDictionary<string, long> errors, CancellationToken cancellation)
    {
        long next = from;
        return Task.WhenAll(Enumerable.Range(0, settings.Concurrency).Select(_ => Task.Run(async () =>
        {
            var body = new PredictRequestBody();
            for (long first = Interlocked.Add(ref next, settings.TextsPerRequest) - settings.TextsPerRequest; first < to;
                 first = Interlocked.Add(ref next, settings.TextsPerRequest) - settings.TextsPerRequest)
            {
                string? error = await SendAsync(http, body.Write(first, (int)Math.Min(settings.TextsPerRequest, to - first)), cancellation);
                if (error is not null)
                {
                    errors.AddOrUpdate(error, 1, (_, count) => count + 1);
                }
            }
        }, cancellation)));
    }

    /// <summary>Null for a 200; else the status code, or <c>timeout</c> / <c>transport</c> when no answer came.</summary>
    private static async Task<string?> SendAsync(HttpClient http, HttpContent body, CancellationToken cancellation)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "predict") { Content = body };
        try
        {
            // The default completion reads the whole answer before returning: the request is done when it returns.
            using var response = await http.SendAsync(request, cancellation);
            return response.StatusCode == HttpStatusCode.OK ? null : ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture);
        }
        catch (TaskCanceledException) when (!cancellation.IsCancellationRequested)
        {
            return "timeout";
        }
        catch (HttpRequestException)
        {
            return "transport";
        }
    }

    private sealed record Settings(Uri Url, int Pid, int Texts, int TextsPerRequest, int Concurrency, bool Json);
}
