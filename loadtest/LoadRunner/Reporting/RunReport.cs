using System.Globalization;
using System.Text.Json;
using LoadRunner.Measurement;
using LoadRunner.Options;
using LoadRunner.Running;

namespace LoadRunner.Reporting;

/// <summary>Prints a finished run: a readable report, then <c>SUMMARY {json}</c> as the very last line.</summary>
internal static class RunReport
{
    public const string SummaryPrefix = "SUMMARY ";

    public static void Write(RunResult result, TextWriter output)
    {
        var summary = Summarize(result);
        var options = result.Options;
        var measured = result.Measured;
        var c = CultureInfo.InvariantCulture;

        string load = options.Mode == RunMode.ClosedLoop
            ? $"closed loop, {options.VirtualUsers} virtual user(s)"
            : $"open loop, {options.Rate.ToString("0.###", c)} requests/s, at most {options.MaxInFlight} in flight";
        output.WriteLine();
        output.WriteLine($"== LoadRunner: {load}, HTTP/{summary.Http} -> {options.PredictUrl}");
        output.WriteLine($"texts      {result.SentenceCount} sentences from {result.TextsPath}, {options.TextsPerRequest} per request; "
            + $"cache rate {options.CacheRate.ToString("0.###", c)} over a pool of {options.PoolSize}; new texts end in whitespace spelling run tag {result.RunTag} and a counter");
        if (options.Prime)
        {
            output.WriteLine($"priming    {result.Priming.Sent} requests, {result.Priming.Errors} errors{FormatErrors(result.Priming, " (", ")")}");
        }
        output.WriteLine($"warmup     {DurationText.Format(options.Warmup)}: {result.Warmup.Sent} requests, {result.Warmup.Errors} errors{FormatErrors(result.Warmup, " (", ")")}");
        output.WriteLine($"measured   {summary.DurationS.ToString("0.00", c)} s{(result.StoppedEarly ? " (stopped early)" : "")}");
        output.WriteLine($"requests   {measured.Sent} sent, {summary.Completed} completed (2xx), {measured.Errors} errors");
        output.WriteLine($"throughput {summary.Rps.ToString("0.0", c)} requests/s");
        string origin = options.Mode == RunMode.OpenLoop ? "  (from the scheduled send time)" : "";
        output.WriteLine(string.Create(c, $"latency    mean {summary.MeanMs:0.000}  p50 {summary.P50Ms:0.000}  p90 {summary.P90Ms:0.000}  p95 {summary.P95Ms:0.000}  p99 {summary.P99Ms:0.000}  p99.9 {summary.P999Ms:0.000}  max {summary.MaxMs:0.000} ms{origin}"));
        output.WriteLine($"errors     {(measured.Errors == 0 ? "none" : FormatErrors(measured, "", ""))}");
        if (summary.RejectedP99Ms is { } rejectedP99)
        {
            output.WriteLine(string.Create(c, $"refusals   {measured.RejectionLatency.Count} answered 503: p99 {rejectedP99:0.000}  max {Milliseconds(measured.RejectionLatency.Max):0.000} ms{origin}"));
        }
        if (options.Mode == RunMode.OpenLoop)
        {
            output.WriteLine($"late       {measured.Late} sent late (in-flight cap full), {measured.Dropped} dropped (never sent: cap full or runner behind)");
            output.WriteLine(string.Create(c, $"send lag   p50 {summary.SendLagP50Ms:0.000}  p99 {summary.SendLagP99Ms:0.000}  max {Milliseconds(measured.SendLag.Max):0.000} ms (schedule to send: the runner's own share of the latency)"));
        }
        output.WriteLine(summary.HitRatio is { } ratio
            ? string.Create(c, $"cache      hit ratio {ratio * 100:0.0} % (X-Cache: {measured.CacheHits} hit, {measured.CacheMisses} miss, {summary.Completed - measured.CacheHits - measured.CacheMisses} without)")
            : "cache      hit ratio n/a (no X-Cache header in the answers)");
        if (summary.MissP50Ms is { } missP50)
        {
            output.WriteLine(string.Create(c, $"misses     latency p50 {missP50:0.000}  p99 {summary.MissP99Ms:0.000}  max {Milliseconds(measured.MissLatency.Max):0.000} ms (answers with X-Cache: miss){origin}"));
        }
        output.WriteLine(SummaryPrefix + JsonSerializer.Serialize(summary, RunSummaryJsonContext.Default.RunSummary));
    }

    public static RunSummary Summarize(RunResult result)
    {
        var options = result.Options;
        var measured = result.Measured;
        var latency = measured.MergedLatency();
        bool open = options.Mode == RunMode.OpenLoop;
        long hits = measured.CacheHits, misses = measured.CacheMisses;
        return new RunSummary
        {
            Mode = open ? "open" : "closed",
            Url = options.PredictUrl.ToString(),
            Http = options.Http2 ? "2" : "1.1",
            Vus = open ? null : options.VirtualUsers,
            Rate = open ? options.Rate : null,
            MaxInFlight = open ? options.MaxInFlight : null,
            DurationS = Math.Round(result.MeasuredSeconds, 3),
            WarmupS = Math.Round(options.Warmup.TotalSeconds, 3),
            TextsPerRequest = options.TextsPerRequest,
            CacheRate = options.CacheRate,
            PoolSize = options.PoolSize,
            Requests = measured.Sent,
            Completed = latency.Count,
            Errors = measured.Errors,
            Rps = result.MeasuredSeconds > 0 ? Math.Round(latency.Count / result.MeasuredSeconds, 1) : 0,
            MeanMs = Milliseconds(latency.Mean),
            P50Ms = Milliseconds(latency.ValueAtPercentile(50)),
            P90Ms = Milliseconds(latency.ValueAtPercentile(90)),
            P95Ms = Milliseconds(latency.ValueAtPercentile(95)),
            P99Ms = Milliseconds(latency.ValueAtPercentile(99)),
            P999Ms = Milliseconds(latency.ValueAtPercentile(99.9)),
            MaxMs = Milliseconds(latency.Max),
            RejectedP99Ms = measured.RejectionLatency.Count > 0 ? Milliseconds(measured.RejectionLatency.ValueAtPercentile(99)) : null,
            ErrorsByStatus = measured.ErrorsByStatus().ToDictionary(e => e.Key.ToString(CultureInfo.InvariantCulture), e => e.Value),
            ErrorsByException = measured.ErrorsByException().ToDictionary(e => e.Key, e => e.Value),
            Late = open ? measured.Late : null,
            Dropped = open ? measured.Dropped : null,
            SendLagP50Ms = open ? Milliseconds(measured.SendLag.ValueAtPercentile(50)) : null,
            SendLagP99Ms = open ? Milliseconds(measured.SendLag.ValueAtPercentile(99)) : null,
            HitRatio = hits + misses > 0 ? Math.Round((double)hits / (hits + misses), 4) : null,
            CacheHits = hits,
            CacheMisses = misses,
            MissP50Ms = measured.MissLatency.Count > 0 ? Milliseconds(measured.MissLatency.ValueAtPercentile(50)) : null,
            MissP99Ms = measured.MissLatency.Count > 0 ? Milliseconds(measured.MissLatency.ValueAtPercentile(99)) : null,
            StoppedEarly = result.StoppedEarly,
        };
    }

    private static double Milliseconds(double microseconds) => Math.Round(microseconds / 1000, 3);

    private static string FormatErrors(RunStatistics statistics, string before, string after)
    {
        var parts = statistics.ErrorsByStatus().Select(e => $"status {e.Key}: {e.Value}")
            .Concat(statistics.ErrorsByException().Select(e => $"{e.Key}: {e.Value}"))
            .ToList();
        return parts.Count == 0 ? "" : before + string.Join("; ", parts) + after;
    }
}
