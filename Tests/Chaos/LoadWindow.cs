namespace Tests.Chaos;

/// <summary>The requests of one measured window, with the figures of the fault table.</summary>
public sealed class LoadWindow(RequestOutcome[] outcomes, DateTime startedAt)
{
    /// <summary>When the window's first request was due (UTC), to find its requests in the processes' logs.</summary>
    public DateTime StartedAt => startedAt;

    public IReadOnlyList<RequestOutcome> Outcomes => outcomes;

    public int Failed => outcomes.Count(o => o.Failure is not null);

    public TimeSpan Max => outcomes.Max(o => o.Latency);

    /// <summary>The latest the load generator sent a request after its time: if large, the tail is the generator's.</summary>
    public TimeSpan LatestSend => outcomes.Max(o => o.SendLag);

    /// <summary>The nearest-rank percentile of latency (<paramref name="p"/> in 0..100).</summary>
    public TimeSpan Percentile(double p)
    {
        var sorted = outcomes.Select(o => o.Latency).Order().ToArray();
        int rank = Math.Clamp((int)Math.Ceiling(p / 100 * sorted.Length) - 1, 0, sorted.Length - 1);
        return sorted[rank];
    }

    public string Row(string fault) =>
        $"| {fault} | {outcomes.Length} | {Failed} | {Ms(Percentile(50))} | {Ms(Percentile(99))} | {Ms(Max)} | {Ms(LatestSend)} |";

    public static string Header =>
        "| fault, under load | requests | failed | p50 | p99 | max | sent late by at most |\n|---|---|---|---|---|---|---|";

    private static string Ms(TimeSpan t) => t.TotalMilliseconds < 1000 ? $"{t.TotalMilliseconds:0} ms" : $"{t.TotalSeconds:0.00} s";
}
