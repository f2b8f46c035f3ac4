namespace Tests.Metrics;

/// <summary>A metric family as Prometheus' parser read it; counters are named without <c>_total</c>, their samples with it.</summary>
public sealed record ParsedFamily(string Name, string Type, string Help, List<ParsedSample> Samples)
{
    /// <summary>The value of the sample named <paramref name="name"/> whose labels include all of <paramref name="labels"/>.</summary>
    public double Value(string name, params (string Key, string Value)[] labels) =>
        Samples.Single(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Value;

    /// <summary>The sum over samples named <paramref name="name"/> whose labels include all of <paramref name="labels"/> (0 when none).</summary>
    public double Sum(string name, params (string Key, string Value)[] labels) =>
        Samples.Where(s => s.Name == name && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value)).Sum(s => s.Value);
}
