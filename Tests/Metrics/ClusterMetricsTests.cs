using System.Net;
using System.Text;
using Grains.Interfaces.Wire;
using Tests.Cluster;
using Tests.Infrastructure;

namespace Tests.Metrics;

/// <summary>A running 2-silo cluster scraped as Prometheus would: the figures move as requests flow.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterMetricsTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Scrapes_count_requests_tiers_batches_and_members_as_requests_flow()
    {
        await using var cluster = await TestCluster.StartAsync(silos: 2);
        using var silo1 = new HttpClient { BaseAddress = cluster.Silo("silo-1").Address };
        using var silo2 = new HttpClient { BaseAddress = cluster.Silo("silo-2").Address };
        var texts = ClusterClient.Texts(20, nameof(Scrapes_count_requests_tiers_batches_and_members_as_requests_flow));

        await ClusterClient.PredictAsync(cluster.Client, texts);
        await ClusterClient.PredictAsync(cluster.Client, texts); // the same texts again: answered from the grains' memory
        using (var bad = await cluster.Client.PostAsync("predict", new StringContent("{}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
        }

        // ASP.NET Core records a request when it has finished with it, a moment after the client has the answer.
        var api = await ScrapeUntilAsync(cluster.Client, families =>
            Count(families, "/predict", "200") == 2 && Count(families, "/predict", "400") == 1);
        Assert.Equal(2, Family(api, "membership_size").Value("membership_size"));
        Assert.True(Family(api, "routing_silo_calls").Value("routing_silo_calls_total") >= 2);
        Assert.Equal(0, Family(api, "api_rejected_requests").Sum("api_rejected_requests_total"));
        Assert.Equal(1, Family(api, "build_info").Value("build_info", ("role", "api"), ("model_id", cluster.ModelId)));

        var silos = new[] { await ScrapeAsync(silo1), await ScrapeAsync(silo2) };
        Assert.Equal(texts.Length, silos.Sum(s => Family(s, "predictions").Value("predictions_total", ("tier", "inference"))));
        Assert.Equal(texts.Length, silos.Sum(s => Family(s, "predictions").Value("predictions_total", ("tier", "memory"))));
        Assert.Equal(texts.Length, silos.Sum(s => Family(s, "activations").Value("activations")));
        Assert.Equal(texts.Length, silos.Sum(s => Family(s, "inference_batch_size").Value("inference_batch_size_sum")));
        Assert.All(silos, s => Assert.True(Family(s, "inference_batch_size").Value("inference_batch_size_count") > 0, "every silo ran batches"));
        Assert.All(silos, s => Assert.True(Family(s, "inference_batch_duration_seconds").Value("inference_batch_duration_seconds_count") > 0));
        Assert.All(silos, s => Assert.Equal(0, Family(s, "inference_queue_depth").Value("inference_queue_depth")));
        // Grain storage read (MGET) and wrote (SET) the silos' keys in Redis, without errors.
        Assert.All(silos, s => Assert.True(Family(s, "redis_command_duration_seconds").Value("redis_command_duration_seconds_count", ("command", "MGET")) > 0));
        Assert.All(silos, s => Assert.Equal(0, Family(s, "redis_errors").Sum("redis_errors_total")));
        Assert.Equal(["silo-1", "silo-2"], silos.Select(s => Family(s, "build_info").Samples.Single().Labels["silo_id"]));
        Assert.All(silos, s => Assert.True(Family(s, "process_resident_memory_bytes").Value("process_resident_memory_bytes") > 0));
    }

    [Fact]
    public async Task A_silo_serves_metrics_on_its_http_port_only()
    {
        await using var cluster = await TestCluster.StartAsync(silos: 1);
        var silo = cluster.Silo("silo-1");
        using var client = new HttpClient();

        using var onHttp = await client.GetAsync(new Uri(silo.Address, "metrics"));
        Assert.Equal(HttpStatusCode.OK, onHttp.StatusCode);
        Assert.Equal("text/plain; version=0.0.4; charset=utf-8", onHttp.Content.Headers.ContentType!.ToString());

        // The internal port speaks HTTP/2 only; even with the cluster key it has no /metrics.
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(silo.InternalAddress, "/metrics"))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.Add(PredictionWire.ClusterKeyHeader, TestCluster.ClusterKey);
        using var onInternal = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.NotFound, onInternal.StatusCode);
    }

    private static double Count(IReadOnlyList<ParsedFamily> families, string route, string status) =>
        families.SingleOrDefault(f => f.Name == "http_server_request_duration_seconds")?
            .Sum("http_server_request_duration_seconds_count", ("route", route), ("status", status), ("method", "POST")) ?? 0;

    private static async Task<IReadOnlyList<ParsedFamily>> ScrapeAsync(HttpClient client)
    {
        using var response = await client.GetAsync("metrics");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return await PrometheusReference.ParseAsync(await response.Content.ReadAsStringAsync());
    }

    private static async Task<IReadOnlyList<ParsedFamily>> ScrapeUntilAsync(HttpClient client, Func<IReadOnlyList<ParsedFamily>, bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var families = await ScrapeAsync(client);
            if (condition(families))
            {
                return families;
            }
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"The scrape never met the condition; last /predict counts: 200 -> {Count(families, "/predict", "200")}, 400 -> {Count(families, "/predict", "400")}.");
            }
            await Task.Delay(50);
        }
    }

    private static ParsedFamily Family(IReadOnlyList<ParsedFamily> families, string name) =>
        families.SingleOrDefault(f => f.Name == name) ?? throw new Xunit.Sdk.XunitException($"No family {name} in: {string.Join(", ", families.Select(f => f.Name))}");
}
