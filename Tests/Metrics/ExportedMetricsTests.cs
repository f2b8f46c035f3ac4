using System.Net.Http.Json;
using Tests.Helm;
using Tests.Infrastructure;

namespace Tests.Metrics;

/// <summary>
/// A cluster's API and silo, scraped: every family the Grafana dashboard and the silo autoscaler may name
/// (<see cref="ExportedMetrics"/>) is really exported, with its labels; each host exports its own figures only,
/// though OpenTelemetry listens to meters by name in the whole process (here the API and the silo share one).
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed class ExportedMetricsTests
{
    [Fact]
    public async Task Every_family_the_dashboards_may_name_is_exported_by_the_api_or_a_silo_with_its_labels()
    {
        // The drift gauges appear once the window holds Drift:MinimumSamples predictions (the default model carries a reference).
        await using var cluster = await LocalCluster.StartAsync(silos: 1, apiSettings: new Dictionary<string, string?> { ["Drift:MinimumSamples"] = "1" });
        using var silo = new HttpClient { BaseAddress = cluster.Silos[0].HttpAddress };
        await PredictAsync(cluster.Client, $"exported metrics test {Guid.NewGuid()}");

        var samples = (await Scrape.FamiliesAsync(cluster.Client)).Concat(await Scrape.FamiliesAsync(silo)).Samples();

        Assert.All(ExportedMetrics.Labels, family =>
        {
            var series = samples[family.Key].Concat(samples[family.Key + "_count"]).ToArray();
            Assert.True(series.Length > 0, $"{family.Key} is not exported");
            Assert.All(family.Value, label => Assert.All(series, s => Assert.True(s.Labels.ContainsKey(label), $"{family.Key} has no label {label}")));
        });
    }

    [Fact]
    public async Task A_cluster_api_exports_its_own_figures_and_the_silo_its_own()
    {
        await using var cluster = await LocalCluster.StartAsync(silos: 1);
        using var siloClient = new HttpClient { BaseAddress = cluster.Silos[0].HttpAddress };
        await PredictAsync(cluster.Client, $"own figures test {Guid.NewGuid()}");

        var api = await Scrape.FamiliesAsync(cluster.Client);
        var silo = await Scrape.FamiliesAsync(siloClient);

        // Answered texts are counted where the answer is known to be delivered, once whatever the retries: by the API,
        // with the tier that answered (here the silo's model). The silo runs the engine and counts its inferences.
        Assert.Equal(1, api.Family("predictions").Value("predictions_total", ("tier", "inference")));
        Assert.Equal(1, silo.Family("inference_texts").Samples.Sum(s => s.Value));
        Assert.DoesNotContain(api, f => f.Name is "inference_queue_depth" or "orleans_grains");
        Assert.DoesNotContain(silo, f => f.Name is "predictions");
        Assert.DoesNotContain(silo, f => f.Name == "api_rejected_requests");
        Assert.Equal(0, api.Family("api_rejected_requests").Sum("api_rejected_requests_total"));
        // The API's request histogram counts its one /predict (recorded once the response has gone); the silo serves none.
        await WaitUntil.TrueAsync(async () => (await Scrape.FamiliesAsync(cluster.Client)).Samples()["http_server_request_duration_seconds_count"]
            .Where(s => s.Labels.GetValueOrDefault("http_route") == "/predict").Sum(s => s.Value) == 1, TimeSpan.FromSeconds(30), "the API to count its /predict");
        Assert.DoesNotContain(silo.Samples()["http_server_request_duration_seconds_count"], s => s.Labels.GetValueOrDefault("http_route") == "/predict");

        var apiInfo = api.Family("target_info").Samples.Single().Labels;
        var siloInfo = silo.Family("target_info").Samples.Single().Labels;
        Assert.Equal(("prediction-api", "api"), (apiInfo["service_name"], apiInfo["prediction_role"]));
        Assert.Equal(("prediction-silo", "silo", "silo-1"), (siloInfo["service_name"], siloInfo["prediction_role"], siloInfo["service_instance_id"]));
        Assert.Equal(cluster.ModelId, siloInfo["prediction_model_id"]);
        Assert.False(apiInfo.ContainsKey("prediction_model_id"));
    }

    private static async Task PredictAsync(HttpClient client, string text)
    {
        using var response = await client.PostAsJsonAsync("predict", new { text = new[] { text } });
        response.EnsureSuccessStatusCode();
    }
}
