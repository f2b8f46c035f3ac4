using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using PredictionCluster.ServiceDefaults.Telemetry;
using PredictionCluster.Inference.Model;
using Microsoft.Extensions.DependencyInjection;
using Tests.Infrastructure;

namespace Tests.Metrics;

/// <summary>
/// <c>GET /metrics</c> of a running embedded API (OpenTelemetry's Prometheus exporter), read by Prometheus' own parser:
/// our instruments with their names and labels, figures that move with requests, Orleans' and ASP.NET Core's meters,
/// latency buckets below a millisecond, OpenMetrics on request.
/// </summary>
public sealed class MetricsEndpointTests(EmbeddedApiFactory factory) : IClassFixture<EmbeddedApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Predictions_count_a_miss_as_inference_then_a_repeat_as_a_near_cache_hit()
    {
        string text = $"metrics tier test {Guid.NewGuid()}: a fine film";
        var before = await Scrape.FamiliesAsync(_client);
        await PredictAsync(text);
        var afterMiss = await Scrape.FamiliesAsync(_client);
        await PredictAsync(text);
        var afterHit = await Scrape.FamiliesAsync(_client);

        Assert.Equal(1, Tier(afterMiss, "inference") - Tier(before, "inference"));
        Assert.Equal(0, Tier(afterMiss, "memory") - Tier(before, "memory"));
        Assert.Equal(1, Tier(afterHit, "near_cache") - Tier(afterMiss, "near_cache"));
        Assert.Equal(0, Tier(afterHit, "memory") - Tier(afterMiss, "memory"));
        Assert.Equal(0, Tier(afterHit, "inference") - Tier(afterMiss, "inference"));
        Assert.Equal(0, Tier(afterHit, "storage") - Tier(before, "storage"));
        Assert.Equal(1, Counter(afterHit, "inference_texts") - Counter(before, "inference_texts"));
        Assert.Equal(1, Counter(afterHit, "inference_batches") - Counter(before, "inference_batches"));
        // ASP.NET Core records a request's duration once its response has gone, which may be after the client has it.
        await WaitUntil.TrueAsync(async () => RequestCount(await Scrape.FamiliesAsync(_client)) - RequestCount(before) == 2,
            TimeSpan.FromSeconds(30), "the request histogram to count both requests");
    }

    [Fact]
    public async Task Latency_histograms_resolve_below_a_millisecond_and_batch_shapes_keep_their_buckets()
    {
        await PredictAsync($"bucket test {Guid.NewGuid()}");
        var families = await Scrape.FamiliesAsync(_client);

        var requests = families.Family("http_server_request_duration_seconds");
        Assert.Equal(HistogramBuckets.Seconds, requests.BucketBounds(("http_route", "/predict"), ("http_request_method", "POST"), ("http_response_status_code", "200")));
        Assert.Equal(HistogramBuckets.Seconds, families.Family("inference_batch_duration_seconds").BucketBounds());
        Assert.Equal(HistogramBuckets.Milliseconds, families.Family("orleans_app_requests_latency_milliseconds").BucketBounds());
        Assert.True(HistogramBuckets.Seconds[0] < 0.001);
        Assert.Equal(new double[] { 1, 2, 4, 8, 12, 16, 24, 32, 48, 64 }, families.Family("inference_batch_size").BucketBounds());
        Assert.Equal(new double[] { 16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384 }, families.Family("inference_batch_padded_tokens").BucketBounds());
    }

    [Fact]
    public async Task Orleans_meter_is_exported_with_activations_by_grain_type()
    {
        await PredictAsync($"orleans meter test {Guid.NewGuid()}");
        var families = await Scrape.FamiliesAsync(_client);

        Assert.Contains(families, f => f.Name.StartsWith("orleans_", StringComparison.Ordinal) && f.Name != "orleans_grains");
        Assert.True(families.Family("orleans_grains").Value("orleans_grains", ("grain_type", "prediction")) >= 1);
        Assert.Equal(1, families.Family("orleans_grains").Value("orleans_grains", ("grain_type", "inference")));
    }

    [Fact]
    public async Task OpenMetrics_is_served_when_the_scraper_asks_for_it_and_the_text_format_otherwise()
    {
        using var plain = await _client.GetAsync("/metrics");
        Assert.Equal("text/plain", plain.Content.Headers.ContentType?.MediaType);
        Assert.Contains(plain.Content.Headers.ContentType!.Parameters, p => p.Name == "version" && p.Value == "0.0.4");

        using var request = new HttpRequestMessage(HttpMethod.Get, "/metrics");
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(Scrape.OpenMetricsType));
        using var open = await _client.SendAsync(request);
        Assert.Equal(Scrape.OpenMetricsType, open.Content.Headers.ContentType?.MediaType);
        string body = await open.Content.ReadAsStringAsync();
        Assert.EndsWith("# EOF\n", body, StringComparison.Ordinal);

        var families = await PrometheusReference.ParseAsync(body, openMetrics: true);
        Assert.Equal("counter", families.Family("predictions").Type);
        Assert.Equal("histogram", families.Family("http_server_request_duration_seconds").Type);
    }

    [Fact]
    public async Task Target_info_says_what_this_process_is()
    {
        var info = (await Scrape.FamiliesAsync(_client)).Family("target_info").Samples.Single();

        Assert.Equal("prediction-api", info.Labels["service_name"]);
        Assert.Equal("embedded", info.Labels["prediction_role"]);
        Assert.Equal(factory.Services.GetRequiredService<ModelDirectory>().ModelId, info.Labels["prediction_model_id"]);
        Assert.Equal(1, info.Value);
    }

    [Fact]
    public async Task Metrics_is_not_in_the_OpenAPI_document()
    {
        using var document = JsonDocument.Parse(await _client.GetStringAsync("/openapi/v1.json"));
        var paths = document.RootElement.GetProperty("paths").EnumerateObject().Select(p => p.Name).ToArray();
        Assert.Contains("/predict", paths);
        Assert.DoesNotContain("/metrics", paths);
    }

    private async Task PredictAsync(string text)
    {
        await WaitUntil.ReadyAsync(_client);
        using var response = await _client.PostAsJsonAsync("/predict", new { text = new[] { text } });
        response.EnsureSuccessStatusCode();
    }

    // A family shows once its instrument exists: the prediction and inference instruments are created with the
    // first grain activation, and then start at 0 for every tier. Absent reads 0.
    private static double Tier(IReadOnlyList<ParsedFamily> families, string tier) =>
        families.Samples()["predictions_total"].Where(s => s.Labels["tier"] == tier).Sum(s => s.Value);

    private static double Counter(IReadOnlyList<ParsedFamily> families, string name) =>
        families.Samples()[name + "_total"].Sum(s => s.Value);

    private static double RequestCount(IReadOnlyList<ParsedFamily> families) =>
        families.Samples()["http_server_request_duration_seconds_count"].Where(s => s.Labels.GetValueOrDefault("http_route") == "/predict").Sum(s => s.Value);
}
