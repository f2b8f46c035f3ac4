using System.Net;
using System.Text;
using System.Text.Json;
using Tests.Infrastructure;

namespace Tests.Metrics;

/// <summary>
/// The model's answers on /metrics (issue 24): every answered text by its predicted label (a cached one as often as
/// it is asked), the inferred ones apart, and the top score's histogram, labelled by model id, all equal to what the
/// responses said; a refused request counts nothing.
/// </summary>
public sealed class ModelQualityMetricsTests(EmbeddedApiFactory factory) : IClassFixture<EmbeddedApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Labels_and_top_scores_are_counted_per_answered_text_and_inferences_apart()
    {
        string run = Guid.NewGuid().ToString("N");
        string[] first = [$"I love this wonderful film {run}", $"A dull, awful and tiresome mess {run}", $"I love this wonderful film {run}"];
        string[] second = [$"I love this wonderful film {run}"];
        var before = await Scrape.FamiliesAsync(_client);

        var answered = (await PredictAsync(first)).Concat(await PredictAsync(second)).ToArray();
        using (var refused = await _client.PostAsync("/predict", new StringContent($"{{\"text\": [\"{run}\", null]}}", Encoding.UTF8, "application/json")))
        {
            Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        }
        var after = await Scrape.FamiliesAsync(_client);

        string model = after.Family("model_predictions").Samples.Select(s => s.Labels["model_id"]).Distinct().Single();
        Assert.Matches("^[0-9a-f]{16}$", model);
        foreach (string label in new[] { "NEGATIVE", "POSITIVE" })
        {
            int asked = answered.Count(a => a.Label == label);
            // Inferred: the distinct texts of the first request (the second is answered from a cache).
            int inferred = first.Distinct().Count(text => answered.First(a => a.Text == text).Label == label);
            Assert.Equal(asked, Delta(before, after, "model_predictions", "model_predictions_total", ("model_id", model), ("label", label)));
            Assert.Equal(inferred, Delta(before, after, "model_inferences", "model_inferences_total", ("model_id", model), ("label", label)));
        }
        Assert.Contains(answered, a => a.Label == "NEGATIVE");
        Assert.Contains(answered, a => a.Label == "POSITIVE");

        Assert.Equal(answered.Length, Delta(before, after, "model_top_score", "model_top_score_count", ("model_id", model)));
        Assert.Equal(answered.Sum(a => a.TopScore), Delta(before, after, "model_top_score", "model_top_score_sum", ("model_id", model)), 3);
        // Buckets resolve a confident model's 0.9-0.99, and a two-label model's lowest possible score, 0.5.
        Assert.Subset(after.Family("model_top_score").BucketBounds(("model_id", model)).ToHashSet(), new HashSet<double> { 0.5, 0.9, 0.95, 0.99 });
    }

    private static double Delta(IReadOnlyList<ParsedFamily> before, IReadOnlyList<ParsedFamily> after, string family, string sample,
        params (string Key, string Value)[] labels) =>
        after.Family(family).Sum(sample, labels) - (before.Any(f => f.Name == family) ? before.Family(family).Sum(sample, labels) : 0);

    private async Task<(string Text, string Label, double TopScore)[]> PredictAsync(string[] texts)
    {
        using var response = await _client.PostAsync("/predict",
            new StringContent(JsonSerializer.Serialize(new { text = texts }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("predictions").EnumerateArray()
            .Select((prediction, i) =>
            {
                var top = prediction.EnumerateArray().MaxBy(p => p.GetProperty("score").GetDouble());
                return (texts[i], top.GetProperty("label").GetString()!, top.GetProperty("score").GetDouble());
            })
            .ToArray();
    }
}
