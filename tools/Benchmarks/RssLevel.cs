namespace Benchmarks;

/// <summary>
/// Issue 14's reading of a memory stream: the level is RSS at the first sample at or after the first million texts
/// (the first sample of a shorter stream), and the figure is how far any later sample strays from it, in percent
/// either way (the target is 10).
/// </summary>
internal sealed record RssLevel(RssSample At, double MaxDeviationPercent)
{
    public static RssLevel Of(IReadOnlyList<RssSample> samples)
    {
        if (samples.Count == 0)
        {
            throw new ArgumentException("A stream has at least one sample.", nameof(samples));
        }
        int level = 0;
        while (level < samples.Count - 1 && samples[level].Texts < StreamSamplePlan.Million)
        {
            level++;
        }
        if (samples[level].Texts < StreamSamplePlan.Million)
        {
            level = 0; // a stream shorter than a million texts: its first sample
        }
        var at = samples[level];
        double deviation = samples.Skip(level + 1).Select(s => Math.Abs(s.Megabytes / at.Megabytes - 1) * 100).DefaultIfEmpty(0).Max();
        return new RssLevel(at, deviation);
    }
}
