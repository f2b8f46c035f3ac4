using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using PredictionCluster.Api.Payloads;
using PredictionCluster.Grains.Interfaces;
using PredictionCluster.Inference.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Tests.Infrastructure;
using Tests.Metrics;

namespace Tests.Payloads;

/// <summary>
/// The payload log without an OTLP endpoint: a JSON-lines file, one parseable object per sampled text, the text in it
/// only with <c>PayloadLog:IncludeText</c>; <c>PayloadLog:MaxRecordsPerSecond</c> bounds a burst and the file rolls
/// over at <c>PayloadLog:MaxFileBytes</c>; off by default: no record, no file, no writer.
/// </summary>
public sealed class PayloadLogFileTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("payload-log-").FullName;

    private string FilePath => Path.Combine(_directory, "payload.jsonl");

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sampled_texts_are_json_lines_with_every_field_and_the_text_only_when_included(bool includeText)
    {
        string run = Guid.NewGuid().ToString("N");
        string[] texts = [$"I love this film {run}", $"I hate this film {run}"];
        await using var factory = Factory(("PayloadLog:SampleRate", "1"), ("PayloadLog:IncludeText", includeText ? "true" : "false"));
        var model = factory.Services.GetRequiredService<SentimentModel>();
        using var client = factory.CreateClient();
        await WaitUntil.ReadyAsync(client);
        using var response = await client.PostAsJsonAsync("/predict", new { text = texts });
        response.EnsureSuccessStatusCode();
        var predictions = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions");

        var lines = await LinesAsync(texts.Length);
        Assert.Equal(texts.Length, lines.Count);
        for (int i = 0; i < texts.Length; i++)
        {
            var line = lines.Single(l => l.GetProperty("prediction.key").GetString() == PredictionKey.Compute(model.ModelId, texts[i]).ToString());
            Assert.Equal(model.ModelId, line.GetProperty("model.id").GetString());
            Assert.Equal(texts[i].Length, line.GetProperty("text.length").GetInt32());
            if (includeText)
            {
                Assert.Equal(texts[i], line.GetProperty("text").GetString());
            }
            else
            {
                Assert.False(line.TryGetProperty("text", out _), "the text is written only with PayloadLog:IncludeText");
            }
            // The scores are the answer's, label for label.
            var answer = predictions[i].EnumerateArray().ToArray();
            Assert.Equal(answer.Select(a => a.GetProperty("label").GetString()), line.GetProperty("prediction.labels").EnumerateArray().Select(l => l.GetString()));
            Assert.Equal(answer.Select(a => a.GetProperty("score").GetSingle()), line.GetProperty("prediction.scores").EnumerateArray().Select(s => s.GetSingle()));
            Assert.Equal(answer.MaxBy(a => a.GetProperty("score").GetSingle()).GetProperty("label").GetString(), line.GetProperty("prediction.label").GetString());
            Assert.Equal("inference", line.GetProperty("cache.tier").GetString());
            Assert.True(line.GetProperty("latency_ms").GetDouble() > 0);
            Assert.Equal(1.0, line.GetProperty("sample.rate").GetDouble());
            Assert.InRange(line.GetProperty("time").GetDateTimeOffset(), DateTimeOffset.UtcNow.AddMinutes(-1), DateTimeOffset.UtcNow);
        }

        // Asked again, the same texts are answered by the API's near cache: the tier says so.
        using var again = await client.PostAsJsonAsync("/predict", new { text = texts });
        again.EnsureSuccessStatusCode();
        Assert.All((await LinesAsync(2 * texts.Length)).Skip(texts.Length), l => Assert.Equal("near_cache", l.GetProperty("cache.tier").GetString()));
    }

    [Fact]
    public async Task Max_records_per_second_bounds_a_burst_and_the_rest_are_counted()
    {
        const int Requests = 200;
        const int PerSecond = 20;
        await using var factory = Factory(("PayloadLog:SampleRate", "1"), ("PayloadLog:MaxRecordsPerSecond", PerSecond.ToString()));
        using var client = factory.CreateClient();
        await WaitUntil.ReadyAsync(client);
        string text = $"a burst {Guid.NewGuid():N}";
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, Requests).Select(async _ =>
        {
            using var response = await client.PostAsJsonAsync("/predict", new { text = new[] { text } });
            response.EnsureSuccessStatusCode();
        }));
        double seconds = clock.Elapsed.TotalSeconds;

        var outcomes = (await Scrape.FamiliesAsync(client)).Family("payload_log_records");
        double limited = outcomes.Value("payload_log_records_total", ("outcome", "rate_limited"));
        // The bucket holds one second's worth and refills at the rate: at most 20 + 20 per second of the burst.
        int allowed = Requests - (int)limited;
        Assert.InRange(allowed, PerSecond, PerSecond + PerSecond * seconds + 1);
        var lines = await LinesAsync(allowed);
        Assert.Equal(allowed, lines.Count);
        Assert.Equal(allowed, outcomes.Value("payload_log_records_total", ("outcome", "written")));
    }

    [Fact]
    public async Task The_file_rolls_over_at_its_size_limit()
    {
        await using var factory = Factory(("PayloadLog:SampleRate", "1"), ("PayloadLog:MaxFileBytes", "4096"), ("PayloadLog:MaxRecordsPerSecond", "10000"));
        using var client = factory.CreateClient();
        await WaitUntil.ReadyAsync(client);
        // About 400 bytes a record: 40 records fill the file about four times over.
        string run = Guid.NewGuid().ToString("N");
        for (int i = 0; i < 4; i++)
        {
            using var response = await client.PostAsJsonAsync("/predict", new { text = Enumerable.Range(0, 10).Select(j => $"text {i} {j} {run}").ToArray() });
            response.EnsureSuccessStatusCode();
        }
        await WaitUntil.TrueAsync(() => File.Exists(FilePath + ".1"), TimeSpan.FromSeconds(10), "the file to roll over");
        await factory.DisposeAsync(); // the writer drains and closes the file

        Assert.InRange(new FileInfo(FilePath + ".1").Length, 4096, 4096 + 1024);
        Assert.All(File.ReadAllLines(FilePath + ".1").Concat(File.ReadAllLines(FilePath)), line => JsonDocument.Parse(line).Dispose());
    }

    [Fact]
    public async Task Off_by_default_nothing_is_recorded_and_no_file_is_written()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();
        await WaitUntil.ReadyAsync(client);
        using var response = await client.PostAsJsonAsync("/predict", new { text = new[] { $"not recorded {Guid.NewGuid():N}" } });
        response.EnsureSuccessStatusCode();

        Assert.False(factory.Services.GetRequiredService<PayloadLog>().IsEnabled);
        Assert.DoesNotContain(factory.Services.GetServices<IHostedService>(), s => s is PayloadLogWriter);
        Assert.Null(factory.Services.GetService<PayloadLogMetrics>());
        Assert.Null(factory.Services.GetService<IPayloadSink>());
        Assert.DoesNotContain(await Scrape.FamiliesAsync(client), f => f.Name == "payload_log_records");
        await factory.DisposeAsync();
        Assert.False(File.Exists(FilePath));
    }

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    private EmbeddedApiFactory Factory(params (string Key, string Value)[] settings)
    {
        var all = settings.ToDictionary(s => s.Key, s => (string?)s.Value);
        all["PayloadLog:FilePath"] = FilePath;
        return EmbeddedApiFactory.With(all);
    }

    /// <summary>The file's lines once it has <paramref name="count"/> (the writer flushes whenever its queue is empty).</summary>
    private async Task<List<JsonElement>> LinesAsync(int count)
    {
        await WaitUntil.TrueAsync(() => ReadLines().Count >= count, TimeSpan.FromSeconds(10), $"{count} lines in the payload file");
        return [.. ReadLines().Select(line => JsonDocument.Parse(line).RootElement.Clone())];
    }

    private List<string> ReadLines()
    {
        if (!File.Exists(FilePath))
        {
            return [];
        }
        // Shared with the writer, which holds the file open.
        using var stream = new FileStream(FilePath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        using var reader = new StreamReader(stream);
        return [.. reader.ReadToEnd().Split('\n', StringSplitOptions.RemoveEmptyEntries)];
    }
}
