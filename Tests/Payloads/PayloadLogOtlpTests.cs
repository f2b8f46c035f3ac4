using System.Net.Http.Json;
using PredictionCluster.Api.Payloads;
using PredictionCluster.Grains.Interfaces;
using PredictionCluster.Inference.Model;
using Microsoft.Extensions.DependencyInjection;
using Tests.Infrastructure;
using Tests.Metrics;

namespace Tests.Payloads;

/// <summary>
/// The payload log by OTLP (issue 24 item 3): with an endpoint set, sampled texts arrive at a local collector as log
/// records of the payload category (and no other log record does), one per text, with the model id, the text's key
/// and scores and without the text by default; and the sample rate holds over many requests.
/// </summary>
public sealed class PayloadLogOtlpTests
{
    [Fact]
    public async Task Sampled_texts_arrive_at_the_collector_one_record_per_text_with_the_model_id_and_no_text()
    {
        await using var collector = await OtlpLogsCollector.StartAsync();
        string run = Guid.NewGuid().ToString("N");
        string[] texts = [$"A wonderful, moving film {run}", $"A dull and tiresome mess {run}", $"It was a film {run}"];
        string modelId;
        IReadOnlyList<string> labels;
        var before = DateTimeOffset.UtcNow;
        DateTimeOffset answered;
        await using (var factory = Factory(collector, sampleRate: "1"))
        {
            var model = factory.Services.GetRequiredService<SentimentModel>();
            (modelId, labels) = (model.ModelId, model.Labels);
            using var client = factory.CreateClient();
            await WaitUntil.ReadyAsync(client);
            using var response = await client.PostAsJsonAsync("/predict", new { text = texts });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            answered = DateTimeOffset.UtcNow;
            await WaitUntil.TrueAsync(() => collector.Records.Count >= texts.Length, TimeSpan.FromSeconds(30), "the payload records at the collector");
        }

        var records = collector.Records;
        // Only the payload log's category is sent: the host's own log lines (it logs at startup) stay on the console.
        Assert.All(records, r => Assert.Equal(OtlpPayloadSink.Category, r.Scope));
        Assert.Equal(texts.Select(t => PredictionKey.Compute(modelId, t).ToString()).Order(), records.Select(r => r.String("prediction.key")).Order());
        // The records' time is their request's answer, one for all its texts (the writer logs each a moment later, and
        // OpenTelemetry would stamp each with that moment).
        Assert.Single(records.Select(r => r.TimeUnixNano).Distinct());
        foreach (var record in records)
        {
            string text = texts.Single(t => PredictionKey.Compute(modelId, t).ToString() == record.String("prediction.key"));
            Assert.Equal(modelId, record.String("model.id"));
            Assert.False(record.Attributes.ContainsKey("text"), "the text is not sent unless PayloadLog:IncludeText");
            Assert.Equal(text.Length, record.Long("text.length"));
            Assert.Equal(labels, record.Array("prediction.labels").Cast<string>());
            var scores = record.Array("prediction.scores").Cast<double>().ToArray();
            Assert.Equal(labels.Count, scores.Length);
            Assert.Equal(1.0, scores.Sum(), 3);
            Assert.Equal(labels[Array.IndexOf(scores, scores.Max())], record.String("prediction.label"));
            Assert.Equal("inference", record.String("cache.tier"));
            Assert.InRange(record.Double("latency_ms"), 0.001, (answered - before).TotalMilliseconds);
            Assert.Equal(1.0, record.Double("sample.rate"));
            Assert.Equal("prediction payload", record.Body);
            var time = DateTimeOffset.UnixEpoch.AddTicks((long)(record.TimeUnixNano / 100));
            Assert.InRange(time, before, answered);
        }
    }

    [Fact]
    public async Task The_sample_rate_holds_over_many_requests()
    {
        const int Requests = 500;
        const double Rate = 0.2;
        await using var collector = await OtlpLogsCollector.StartAsync();
        string text = $"sampled at a fifth {Guid.NewGuid():N}";
        await using var factory = Factory(collector, sampleRate: "0.2");
        using var client = factory.CreateClient();
        await WaitUntil.ReadyAsync(client);
        for (int i = 0; i < Requests; i++)
        {
            using var response = await client.PostAsJsonAsync("/predict", new { text = new[] { text } });
            response.EnsureSuccessStatusCode();
        }

        var outcomes = (await Scrape.FamiliesAsync(client)).Family("payload_log_records");
        double written = outcomes.Value("payload_log_records_total", ("outcome", "written"));
        Assert.Equal(0, outcomes.Sum("payload_log_records_total") - written);
        // One record per sampled request (one text each): binomial(500, 0.2), 100 ± 8.9; ±4 sigma fails once in 15,000 runs.
        double sigma = Math.Sqrt(Requests * Rate * (1 - Rate));
        Assert.InRange(written, Requests * Rate - 4 * sigma, Requests * Rate + 4 * sigma);
        await WaitUntil.TrueAsync(() => collector.Records.Count >= written, TimeSpan.FromSeconds(30), $"{written} records at the collector");
        Assert.Equal(written, collector.Records.Count);
        Assert.All(collector.Records, r => Assert.Equal(Rate, r.Double("sample.rate")));
        Assert.Single(collector.Records.Select(r => r.String("prediction.key")).Distinct());
    }

    private static EmbeddedApiFactory Factory(OtlpLogsCollector collector, string sampleRate) => EmbeddedApiFactory.With(new Dictionary<string, string?>
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        // The log exporter's batches every 200 ms rather than 5 s: the test waits less.
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "200",
        ["PayloadLog:SampleRate"] = sampleRate,
        ["PayloadLog:MaxRecordsPerSecond"] = "100000",
    });
}
