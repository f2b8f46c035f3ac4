using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using PredictionCluster.Inference.Batching;
using PredictionCluster.Grains.Interfaces;
using PredictionCluster.Grains.Prediction;
using Microsoft.Extensions.DependencyInjection;
using Tests.Infrastructure;

namespace Tests.Api;

public sealed class PredictApiTests(EmbeddedApiFactory factory) : IClassFixture<EmbeddedApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    private static StringContent Json(string body) => new(body, Encoding.UTF8, "application/json");

    private static string Body(params string[] texts) => JsonSerializer.Serialize(new { text = texts });

    [Fact]
    public async Task Predict_LoveAndHate_TopLabelsArePositiveAndNegative()
    {
        using var response = await _client.PostAsync("/predict", Json(Body("I love you.", "I hate you.")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var predictions = document.RootElement.GetProperty("predictions");
        Assert.Equal(2, predictions.GetArrayLength());
        foreach (var prediction in predictions.EnumerateArray())
        {
            var labels = prediction.EnumerateArray().Select(p => p.GetProperty("label").GetString()!).ToArray();
            Assert.Equal(new[] { "NEGATIVE", "POSITIVE" }, labels);
            Assert.Equal(1.0, prediction.EnumerateArray().Sum(p => p.GetProperty("score").GetDouble()), 4);
        }
        Assert.True(Score(predictions[0], "POSITIVE") > 0.5, "'I love you.' is POSITIVE");
        Assert.True(Score(predictions[1], "NEGATIVE") > 0.5, "'I hate you.' is NEGATIVE");
    }

    [Fact]
    public async Task Predict_XCacheHeader_SaysMissUntilEveryTextIsCached()
    {
        string seen = $"x-cache header test {Guid.NewGuid()}", fresh = $"x-cache header test {Guid.NewGuid()}";

        Assert.Equal("miss", await CacheHeaderAsync(seen));
        Assert.Equal("hit", await CacheHeaderAsync(seen));
        Assert.Equal("miss", await CacheHeaderAsync(seen, fresh));
        Assert.Equal("hit", await CacheHeaderAsync(fresh, seen));
    }

    private async Task<string?> CacheHeaderAsync(params string[] texts)
    {
        using var response = await _client.PostAsync("/predict", Json(Body(texts)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return response.Headers.TryGetValues("X-Cache", out var values) ? values.Single() : null;
    }

    [Fact]
    public async Task Predict_TextsWithDuplicates_AnswersEveryTextInInputOrder()
    {
        string[] texts = ["a gorgeous , witty film", "dull and tedious", "a gorgeous , witty film", "", "dull and tedious", "it 's fine"];

        var together = await PredictAsync(texts);

        Assert.Equal(texts.Length, together.Count);
        for (int i = 0; i < texts.Length; i++)
        {
            var alone = await PredictAsync([texts[i]]);
            Assert.Equal(alone[0], together[i]);
        }
        Assert.Equal(together[0], together[2]);
        Assert.Equal(together[1], together[4]);
    }

    [Theory]
    [InlineData("{not json", "$")]
    [InlineData("", "$")]
    [InlineData("[\"a list at the root\"]", "$")]
    [InlineData("{\"text\": [\"a\"]} trailing", "$")]
    [InlineData("{}", "text")]
    [InlineData("{\"txt\": [\"typo\"]}", "text")]
    [InlineData("{\"text\": \"not a list\"}", "text")]
    [InlineData("{\"text\": null}", "text")]
    [InlineData("{\"text\": []}", "text")]
    [InlineData("{\"text\": [\"a\"], \"text\": [\"b\"]}", "text")]
    [InlineData("{\"text\": [\"ok\", null]}", "text[1]")]
    [InlineData("{\"text\": [\"ok\", 3]}", "text[1]")]
    [InlineData("{\"text\": [[\"nested\"]]}", "text[0]")]
    [InlineData("{\"text\": [{\"an\": \"object\"}]}", "text[0]")]
    public async Task Predict_BadBody_400ProblemNamingTheField(string body, string field)
    {
        using var response = await _client.PostAsync("/predict", Json(body));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Predict_TooManyTexts_400NamingText()
    {
        var texts = Enumerable.Range(0, 129).Select(i => $"text {i}").ToArray();

        using var response = await _client.PostAsync("/predict", Json(Body(texts)));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "text");
    }

    [Fact]
    public async Task Predict_TextOverCharacterCap_400NamingTheItem()
    {
        using var response = await _client.PostAsync("/predict", Json(Body("short", new string('x', 10_001))));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "text[1]");
    }

    [Fact]
    public async Task Predict_TextAtCharacterCap_IsTruncatedToModelLimitAndAnswered()
    {
        string text = string.Join(' ', Enumerable.Repeat("great", 1666));
        var predictions = await PredictAsync([text]);
        Assert.Single(predictions);
    }

    [Fact]
    public async Task Predict_BodyOverSizeLimit_413Problem()
    {
        var texts = Enumerable.Range(0, 120).Select(_ => new string('y', 9_000)).ToArray();

        using var response = await _client.PostAsync("/predict", Json(Body(texts)));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, null);
    }

    [Fact]
    public async Task Predict_NotJsonContentType_415Problem()
    {
        using var response = await _client.PostAsync("/predict", new StringContent(Body("hi"), Encoding.UTF8, "text/plain"));

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, null);
    }

    [Fact]
    public async Task Predict_RejectedRequest_ComputesNothing()
    {
        string fresh = $"never computed {Guid.NewGuid()}";
        var predictions = factory.Services.GetRequiredService<PredictionMetrics>();
        long before = Answered(predictions);

        using var response = await _client.PostAsync("/predict", Json($"{{\"text\": [\"{fresh}\", null]}}"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(before, Answered(predictions));
    }

    private static long Answered(PredictionMetrics metrics) =>
        metrics.Count(PredictionSource.Memory) + metrics.Count(PredictionSource.Storage) + metrics.Count(PredictionSource.Inference) + metrics.Count(PredictionSource.NearCache);

    [Fact]
    public async Task Get_Predict_405Problem()
    {
        using var response = await _client.GetAsync("/predict");
        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
    }

    [Fact]
    public async Task Health_LiveAndReady_Healthy()
    {
        Assert.Equal("Healthy", await _client.GetStringAsync("/health/live"));
        Assert.Equal("Healthy", await _client.GetStringAsync("/health/ready"));
    }

    [Fact]
    public async Task OpenApi_DocumentsPredictAndDocsPageServes()
    {
        using var document = JsonDocument.Parse(await _client.GetStringAsync("/openapi/v1.json"));
        var predict = document.RootElement.GetProperty("paths").GetProperty("/predict").GetProperty("post");
        Assert.True(predict.GetProperty("responses").TryGetProperty("503", out _));
        Assert.True(predict.TryGetProperty("requestBody", out _));

        string docs = await _client.GetStringAsync("/docs/index.html");
        Assert.Contains("swagger", docs, StringComparison.OrdinalIgnoreCase);
    }

    private async Task<List<List<(string Label, float Score)>>> PredictAsync(string[] texts)
    {
        using var response = await _client.PostAsync("/predict", Json(Body(texts)));
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("predictions").EnumerateArray()
            .Select(p => p.EnumerateArray().Select(s => (s.GetProperty("label").GetString()!, s.GetProperty("score").GetSingle())).ToList())
            .ToList();
    }

    private static double Score(JsonElement prediction, string label) =>
        prediction.EnumerateArray().Single(p => p.GetProperty("label").GetString() == label).GetProperty("score").GetDouble();

    internal static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? field)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(problem.GetProperty("title").GetString()));
        if (field is not null)
        {
            Assert.True(problem.GetProperty("errors").TryGetProperty(field, out var messages), $"errors should name '{field}': {problem}");
            Assert.False(string.IsNullOrWhiteSpace(messages[0].GetString()));
        }
    }
}
