using System.Net;
using System.Text.Json;
using PredictionCluster.Inference.Model;
using Microsoft.Extensions.DependencyInjection;
using Tests.Infrastructure;

namespace Tests.Api;

/// <summary><c>GET /info</c> says what is served: the model as its directory's config.json describes it, the silos' batch limits, the mode and the silos.</summary>
public sealed class InfoApiTests
{
    [Fact]
    public async Task Info_matches_the_model_directory_and_the_configured_batch_limits()
    {
        await using var factory = EmbeddedApiFactory.With(new Dictionary<string, string?>
        {
            ["Inference:MaxBatchSize"] = "24",
            ["Inference:MaxBatchTokens"] = "6000",
        });
        using var client = factory.CreateClient();
        using var config = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(RepositoryPaths.DefaultModel, "config.json")));
        var id2label = config.RootElement.GetProperty("id2label");
        string[] labels = [.. Enumerable.Range(0, id2label.EnumerateObject().Count()).Select(i => id2label.GetProperty(i.ToString()).GetString()!)];
        int maxTokens = config.RootElement.GetProperty("max_position_embeddings").GetInt32();

        using var response = await client.GetAsync("/info");
        for (int attempt = 0; response.StatusCode == HttpStatusCode.ServiceUnavailable && attempt < 50; attempt++)
        {
            await Task.Delay(100); // the model is learnt from the silo right after start
        }

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        using var info = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var root = info.RootElement;
        var model = root.GetProperty("model");
        Assert.Equal(factory.Services.GetRequiredService<SentimentModel>().ModelId, model.GetProperty("id").GetString());
        Assert.Equal(labels, model.GetProperty("labels").EnumerateArray().Select(l => l.GetString()!).ToArray());
        Assert.Equal(maxTokens, model.GetProperty("maxTokens").GetInt32());
        Assert.Equal(24, root.GetProperty("batchLimits").GetProperty("maxTexts").GetInt32());
        Assert.Equal(6000, root.GetProperty("batchLimits").GetProperty("maxPaddedTokens").GetInt32());
        Assert.Equal("embedded", root.GetProperty("mode").GetString());
        Assert.Equal(1, root.GetProperty("silos").GetInt32());
        Assert.False(string.IsNullOrWhiteSpace(root.GetProperty("version").GetString()));
    }
}
