using System.Net;
using System.Text;
using System.Text.Json;
using PredictionCluster.Grains.Interfaces;
using PredictionCluster.Grains.Prediction;
using Microsoft.Extensions.DependencyInjection;
using Tests.Infrastructure;

namespace Tests.NearCache;

public sealed class NearCacheApiTests
{
    [Fact]
    public async Task RepeatedText_AnsweredByTheNearCache_WithoutAGrainCall()
    {
        await using var factory = new EmbeddedApiFactory();
        using var client = factory.CreateClient();
        // Until the API has learnt the model from its silo, /predict answers 503 (not ready).
        await WaitUntil.ReadyAsync(client);
        var metrics = factory.Services.GetRequiredService<PredictionMetrics>();
        string text = $"near cache {Guid.NewGuid()}";

        var first = await PredictAsync(client, text);
        long memoryBefore = metrics.Count(PredictionSource.Memory), nearBefore = metrics.Count(PredictionSource.NearCache);
        var second = await PredictAsync(client, text);

        Assert.Equal("miss", first.Cache);
        Assert.Equal("hit", second.Cache);
        Assert.Equal(first.Body, second.Body);
        Assert.Equal(nearBefore + 1, metrics.Count(PredictionSource.NearCache));
        Assert.Equal(memoryBefore, metrics.Count(PredictionSource.Memory));
    }

    [Fact]
    public async Task MixOfCachedAndNewTexts_AnswersEachInInputOrder()
    {
        await using var factory = new EmbeddedApiFactory();
        using var client = factory.CreateClient();
        // Until the API has learnt the model from its silo, /predict answers 503 (not ready).
        await WaitUntil.ReadyAsync(client);
        string a = $"I loved it {Guid.NewGuid()}", b = $"I hated it {Guid.NewGuid()}", c = $"so so {Guid.NewGuid()}";
        var alone = new[] { (await PredictAsync(client, a)).Body, (await PredictAsync(client, b)).Body };

        var mixed = await PredictAsync(client, b, c, a);

        Assert.Equal("miss", mixed.Cache);
        using var document = JsonDocument.Parse(mixed.Body);
        var predictions = document.RootElement.GetProperty("predictions");
        Assert.Equal(OnlyPrediction(alone[1]), predictions[0].GetRawText());
        Assert.Equal(OnlyPrediction(alone[0]), predictions[2].GetRawText());
        Assert.Equal(OnlyPrediction((await PredictAsync(client, c)).Body), predictions[1].GetRawText());
    }

    [Fact]
    public async Task CapacityZero_EveryRepeatGoesToItsGrain()
    {
        await using var factory = EmbeddedApiFactory.With(new Dictionary<string, string?> { ["NearCache:Capacity"] = "0" });
        using var client = factory.CreateClient();
        // Until the API has learnt the model from its silo, /predict answers 503 (not ready).
        await WaitUntil.ReadyAsync(client);
        var metrics = factory.Services.GetRequiredService<PredictionMetrics>();
        string text = $"no near cache {Guid.NewGuid()}";

        await PredictAsync(client, text);
        long memoryBefore = metrics.Count(PredictionSource.Memory);
        var second = await PredictAsync(client, text);

        Assert.Equal("hit", second.Cache);
        Assert.Equal(memoryBefore + 1, metrics.Count(PredictionSource.Memory));
        Assert.Equal(0, metrics.Count(PredictionSource.NearCache));
    }

    [Fact]
    public async Task NegativeCapacity_RefusedAtStartup()
    {
        var factory = EmbeddedApiFactory.With(new Dictionary<string, string?> { ["NearCache:Capacity"] = "-1" });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Capacity", error.ToString(), StringComparison.Ordinal);
        try
        {
            await factory.DisposeAsync();
        }
        catch (InvalidOperationException)
        {
            // Orleans refuses to stop the silo the failed start never ran; nothing is left running.
        }
    }

    private static string OnlyPrediction(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.GetProperty("predictions")[0].GetRawText();
    }

    private static async Task<(string? Cache, string Body)> PredictAsync(HttpClient client, params string[] texts)
    {
        using var response = await client.PostAsync("/predict",
            new StringContent(JsonSerializer.Serialize(new { text = texts }), Encoding.UTF8, "application/json"));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (response.Headers.TryGetValues("X-Cache", out var values) ? values.Single() : null, await response.Content.ReadAsStringAsync());
    }
}
