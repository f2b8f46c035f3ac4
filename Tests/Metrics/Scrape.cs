using System.Net.Http.Headers;

namespace Tests.Metrics;

/// <summary>GET /metrics of a host, read by Prometheus' own parser (<see cref="PrometheusReference"/>).</summary>
public static class Scrape
{
    public const string OpenMetricsType = "application/openmetrics-text";

    public static async Task<IReadOnlyList<ParsedFamily>> FamiliesAsync(HttpClient client, bool openMetrics = false)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        if (openMetrics)
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(OpenMetricsType));
        }
        using var response = await client.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return await PrometheusReference.ParseAsync(await response.Content.ReadAsStringAsync(), openMetrics);
    }

    /// <summary>The family <paramref name="name"/> as the parser names it (a counter without <c>_total</c>).</summary>
    public static ParsedFamily Family(this IReadOnlyList<ParsedFamily> families, string name) =>
        families.SingleOrDefault(f => f.Name == name)
        ?? throw new Xunit.Sdk.XunitException($"No family {name} in: {string.Join(", ", families.Select(f => f.Name))}");

    /// <summary>Every sample of every family, by sample name (a histogram's <c>_bucket</c>, <c>_sum</c>, <c>_count</c>).</summary>
    public static ILookup<string, ParsedSample> Samples(this IEnumerable<ParsedFamily> families) =>
        families.SelectMany(f => f.Samples).ToLookup(s => s.Name);

    /// <summary>The finite upper bounds of a histogram's buckets whose labels include <paramref name="labels"/>, ascending.</summary>
    public static double[] BucketBounds(this ParsedFamily histogram, params (string Key, string Value)[] labels) =>
        histogram.Samples
            .Where(s => s.Name == histogram.Name + "_bucket" && labels.All(l => s.Labels.TryGetValue(l.Key, out var v) && v == l.Value))
            .Select(s => s.Labels["le"])
            .Where(le => le != "+Inf")
            .Select(le => double.Parse(le, System.Globalization.CultureInfo.InvariantCulture))
            .Distinct()
            .Order()
            .ToArray();
}
