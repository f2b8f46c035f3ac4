using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using PredictionCluster.Grains.Interfaces;
using PredictionCluster.Grains.Prediction;
using PredictionCluster.Inference.Batching;
using Microsoft.Extensions.DependencyInjection;
using Tests.Infrastructure;

namespace Tests.Api;

/// <summary>
/// A request the engine takes seconds to compute (128 texts past the model's 512 tokens, within the body limit) in
/// embedded mode: admitted on an idle engine, it is answered, however long it takes (no per-text deadline turns
/// computed texts into a 503; embedded calls to the co-hosted silo are never timed or repeated), and small requests
/// from other clients are served beside it rather than refused or queued behind it.
/// </summary>
public sealed class LargeRequestTests
{
    [Fact]
    public async Task LargeRequestOnAnIdleEngine_IsAnswered_AndSmallRequestsAreServedWhileItRuns()
    {
        await using var factory = EmbeddedApiFactory.With(new Dictionary<string, string?>());
        var client = factory.CreateClient();
        client.Timeout = TimeSpan.FromMinutes(3);
        await WaitUntil.ReadyAsync(client);
        using (var measured = await client.PostAsJsonAsync("/predict", new { text = new[] { $"the engine measures its throughput {Guid.NewGuid()}" } }))
        {
            Assert.Equal(HttpStatusCode.OK, measured.StatusCode);
        }
        var inference = factory.Services.GetRequiredService<InferenceMetrics>();
        var answered = factory.Services.GetRequiredService<PredictionMetrics>();
        long inferredBefore = inference.TextCount, answeredBefore = answered.Count(PredictionSource.Inference);
        string tag = Guid.NewGuid().ToString("N");
        var longTexts = Enumerable.Range(0, 128).Select(i => $"{tag} {i} " + string.Concat(Enumerable.Repeat("unbelievably ", 300))).ToArray();

        var clock = Stopwatch.StartNew();
        var large = client.PostAsJsonAsync("/predict", new { text = longTexts });
        await WaitUntil.TrueAsync(() => Task.FromResult(inference.TextCount > inferredBefore), TimeSpan.FromSeconds(60), "the large request to start running");
        var small = new List<(HttpStatusCode Status, TimeSpan DoneAt)>();
        while (!large.IsCompleted && small.Count < 20)
        {
            using var response = await client.PostAsJsonAsync("/predict", new { text = new[] { $"a small request beside a large one {Guid.NewGuid()}" } });
            small.Add((response.StatusCode, clock.Elapsed));
        }
        using var largeResponse = await large;
        var largeDone = clock.Elapsed;

        string body = await largeResponse.Content.ReadAsStringAsync();
        Assert.True(largeResponse.StatusCode == HttpStatusCode.OK, $"{(int)largeResponse.StatusCode} after {largeDone}: {body}");
        using (var json = JsonDocument.Parse(body))
        {
            Assert.Equal(128, json.RootElement.GetProperty("predictions").GetArrayLength());
        }
        Assert.Equal(128, answered.Count(PredictionSource.Inference) - answeredBefore - small.Count(s => s.Status == HttpStatusCode.OK));
        Assert.NotEmpty(small);
        Assert.All(small, s => Assert.Equal(HttpStatusCode.OK, s.Status));
        Assert.Contains(small, s => s.DoneAt < largeDone);
    }
}
