using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Json;
using PredictionCluster.Grains.Interfaces;
using Tests.Infrastructure;

namespace Tests.Api;

/// <summary>
/// <c>Server-Timing</c> on every answer: the engine's queue and run of the slowest inferred text and the request's
/// total, which add up (queue + inference ≤ total ≤ what the client waited); from caches, the total only. In a cluster
/// the engine's figures cross silos inside <see cref="PredictionResult"/>.
/// </summary>
public sealed class ServerTimingTests
{
    [Fact]
    public async Task Inferred_answer_has_queue_inference_and_total_that_add_up_and_a_cached_one_has_total_only()
    {
        await using var factory = new EmbeddedApiFactory();
        using var client = factory.CreateClient();
        await WaitUntil.ReadyAsync(client);
        var texts = new[] { $"a timed text {Guid.NewGuid()}", $"and a much longer second one, so that it weighs more in its batch {Guid.NewGuid()}" };

        var waited = Stopwatch.StartNew();
        using var miss = await client.PostAsJsonAsync("/predict", new { text = texts });
        waited.Stop();
        Assert.True(miss.IsSuccessStatusCode, await miss.Content.ReadAsStringAsync());
        Assert.Equal("miss", Assert.Single(miss.Headers.GetValues("X-Cache")));
        var timing = Parse(Assert.Single(miss.Headers.GetValues("Server-Timing")));
        Assert.Equal(["queue", "inference", "total"], timing.Keys.ToArray());
        Assert.True(timing["inference"] > 0, $"inference {timing["inference"]} ms");
        Assert.True(timing["queue"] >= 0);
        Assert.True(timing["queue"] + timing["inference"] <= timing["total"], string.Join(", ", timing));
        Assert.True(timing["total"] <= waited.Elapsed.TotalMilliseconds, $"total {timing["total"]} ms, the client waited {waited.Elapsed.TotalMilliseconds} ms");

        using var hit = await client.PostAsJsonAsync("/predict", new { text = texts });
        Assert.Equal("hit", Assert.Single(hit.Headers.GetValues("X-Cache")));
        var cached = Parse(Assert.Single(hit.Headers.GetValues("Server-Timing")));
        Assert.Equal(["total"], cached.Keys.ToArray());
        Assert.True(cached["total"] > 0);
    }

    [Fact]
    public async Task In_a_cluster_the_engine_timings_come_back_with_an_inferred_result_and_not_with_a_cached_one()
    {
        await using var cluster = await PredictionTestCluster.StartAsync(silos: 2);
        await cluster.StartRouterAsync();
        string text = $"timed across silos {Guid.NewGuid()}";

        var (_, inferred) = await cluster.Router.PredictAsync([text], CancellationToken.None);
        var (_, cached) = await cluster.Router.PredictAsync([text], CancellationToken.None);

        var first = Assert.Single(inferred);
        Assert.Equal(PredictionSource.Inference, first.Source);
        Assert.True(first.Inference > TimeSpan.Zero, $"inference {first.Inference}");
        Assert.True(first.Queued >= TimeSpan.Zero);
        var second = Assert.Single(cached);
        Assert.Equal(PredictionSource.Memory, second.Source);
        Assert.Equal(TimeSpan.Zero, second.Inference);
    }

    private static Dictionary<string, double> Parse(string header) => header.Split(',', StringSplitOptions.TrimEntries)
        .Select(metric => metric.Split(';'))
        .ToDictionary(parts => parts[0], parts => double.Parse(parts[1]["dur=".Length..], CultureInfo.InvariantCulture));
}
