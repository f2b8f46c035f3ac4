using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PredictionCluster.Inference.Batching;
using PredictionCluster.Grains.Interfaces;
using PredictionCluster.Grains.Hosting;
using PredictionCluster.Inference.Model;
using PredictionCluster.Grains.Prediction;
using Orleans.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tests.Grains;

namespace Tests.Api;

/// <summary>A model that fails for some texts: a clean 5xx problem, nothing cached, one log line, the rest served.</summary>
public sealed class ModelFaultTests(FaultyModelApiFactory factory) : IClassFixture<FaultyModelApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Predict_ModelScoreOverflowsToInfinity_500ProblemNothingCachedLoggedOnce()
    {
        var inference = factory.Services.GetRequiredService<InferenceMetrics>();
        var storage = factory.Services.GetRequiredKeyedService<IGrainStorage>(PredictionStorage.Name);
        var modelId = factory.Services.GetRequiredService<SentimentModel>().ModelId;
        int errorsBefore = ErrorLines().Count;

        for (int attempt = 0; attempt < 5; attempt++)
        {
            long ranBefore = inference.TextCount;
            using var response = await _client.PostAsJsonAsync("/predict", new { text = new[] { "good", FaultyModel.Overflowing } });

            // The whole body is one problem document: nothing of a predictions answer went out before it.
            Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
            var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Equal(500, problem.GetProperty("status").GetInt32());
            Assert.Contains("non-finite", problem.GetProperty("title").GetString());
            // Asked again, the text is run again: its failure was not cached as its prediction.
            Assert.True(inference.TextCount > ranBefore, "the overflowing text must be inferred on every ask");
        }
        var grain = factory.Services.GetRequiredService<IGrainFactory>().GetGrain<IPredictionGrain>(
            PredictionGrainKey.Format(modelId, PredictionKey.Compute(modelId, FaultyModel.Overflowing)));
        var stored = new GrainState<PredictionState>();
        await storage.ReadStateAsync("scores", grain.GetGrainId(), stored);
        Assert.False(stored.RecordExists);
        Assert.Single(ErrorLines().Skip(errorsBefore));

        using var ordinary = await _client.PostAsJsonAsync("/predict", new { text = new[] { "good", FaultyModel.LargeButFinite } });
        Assert.Equal(HttpStatusCode.OK, ordinary.StatusCode);
    }

    [Fact]
    public async Task Predict_ModelRunFails_500ProblemAndTheServiceServesOn()
    {
        using var response = await _client.PostAsJsonAsync("/predict", new { text = new[] { FaultyModel.Crashing } });

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal("The model failed to run", problem.GetProperty("title").GetString());

        using var after = await _client.PostAsJsonAsync("/predict", new { text = new[] { "bad" } });
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await _client.GetAsync("/health/ready")).StatusCode);
    }

    /// <summary>Error lines of the engine or the exception handler (a request flood must not become a log flood).</summary>
    private List<string> ErrorLines() =>
        factory.Logs.AtLeast(LogLevel.Error).Select(e => $"{e.Category}: {e.Message}").ToList();
}
