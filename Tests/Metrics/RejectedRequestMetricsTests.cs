using PredictionCluster.Inference;
using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Http.Json;
using Tests.Infrastructure;

namespace Tests.Metrics;

/// <summary>503 answers are counted by reason: an inference queue full, or no silo to answer.</summary>
[Collection(LocalClusterCollection.Name)]
public sealed class RejectedRequestMetricsTests
{
    [Fact]
    public async Task A_full_inference_queue_counts_as_queue_full()
    {
        await using var factory = EmbeddedApiFactory.With(new Dictionary<string, string?>
        {
            // Once the engine has measured its throughput, a request behind a long text would wait more than 1 ms.
            ["Inference:MaxQueueTime"] = "00:00:00.001",
            // A starved test machine must not turn slow grain calls into cluster_unavailable.
            ["Routing:AttemptTimeout"] = "00:00:30",
            ["Routing:Deadline"] = "00:01:00",
        });
        var client = factory.CreateClient();
        // Until the API has learnt the model from its silo, /predict answers cluster_unavailable.
        await WaitUntil.ReadyAsync(client);
        await MeasureThroughputAsync(client);
        using var gate = new WorkerGate(factory.Services.GetRequiredService<InferenceEngine>());
        var ahead = client.PostAsJsonAsync("/predict", new { text = new[] { string.Join(' ', Enumerable.Repeat("long", 400)) + Guid.NewGuid() } });
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        var texts = Enumerable.Range(0, 128).Select(i => $"rejected text {i} {Guid.NewGuid()}").ToArray();

        using var response = await client.PostAsJsonAsync("/predict", new { text = texts });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        gate.Open();
        (await ahead).Dispose();

        Assert.Equal(Reasons(queueFull: 1), await RejectedAsync(client));
    }

    [Fact]
    public async Task A_full_inference_queue_on_a_silo_counts_as_queue_full_on_the_cluster_api()
    {
        // A silo is not bound by the API's Api:MaxTexts: room for fewer texts than a request holds refuses it whole.
        await using var cluster = await LocalCluster.StartAsync(silos: 1, siloSettings: new Dictionary<string, string?>
        {
            ["Inference:QueueCapacity"] = "100",
        });
        var texts = Enumerable.Range(0, 128).Select(i => $"rejected cluster text {i} {Guid.NewGuid()}").ToArray();

        using var response = await cluster.Client.PostAsJsonAsync("predict", new { text = texts });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);

        Assert.Equal(Reasons(queueFull: 1), await RejectedAsync(cluster.Client));
    }

    [Fact]
    public async Task No_live_silo_counts_as_cluster_unavailable()
    {
        await using var cluster = await LocalCluster.StartAsync(silos: 1, apiSettings: new Dictionary<string, string?>
        {
            // Retries give up sooner than the production 30 s.
            ["Routing:Deadline"] = "00:00:03",
            ["Routing:AttemptTimeout"] = "00:00:01",
        });
        await cluster.Silos[0].StopAsync();

        using var response = await cluster.Client.PostAsJsonAsync("predict", new { text = new[] { "nobody to answer " + Guid.NewGuid() } });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);

        Assert.Equal(Reasons(clusterUnavailable: 1), await RejectedAsync(cluster.Client));
    }

    /// <summary>The API's rejections by reason, as its /metrics says (the API host's own figures only).</summary>
    private static async Task<SortedDictionary<string, double>> RejectedAsync(HttpClient client) =>
        new((await Scrape.FamiliesAsync(client)).Family("api_rejected_requests").Samples.ToDictionary(s => s.Labels["reason"], s => s.Value));

    private static SortedDictionary<string, double> Reasons(double queueFull = 0, double clusterUnavailable = 0) => new()
    {
        ["queue_full"] = queueFull,
        ["cluster_unavailable"] = clusterUnavailable,
        ["inference_stopped"] = 0,
    };

    /// <summary>One text alone is always admitted (nothing ahead of it); its batch gives the engine its throughput.</summary>
    private static async Task MeasureThroughputAsync(HttpClient client)
    {
        using var response = await client.PostAsJsonAsync("predict", new { text = new[] { "measure the throughput " + Guid.NewGuid() } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }
}
