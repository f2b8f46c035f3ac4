using PredictionCluster.Inference;
using System.Net;
using System.Net.Http.Json;
using PredictionCluster.Grains.Inference;
using Microsoft.Extensions.DependencyInjection;
using Tests.Infrastructure;

namespace Tests.Api;

public sealed class EngineFailureTests
{
    [Fact]
    public async Task Predict_InferenceEngineDied_503WithRetryAfterAtOnceAndNotReady()
    {
        await using var factory = EmbeddedApiFactory.With(new Dictionary<string, string?> { ["Api:RetryAfterSeconds"] = "7" });
        var client = factory.CreateClient();
        using (var healthy = await client.GetAsync("/health/ready"))
        {
            Assert.Equal(HttpStatusCode.OK, healthy.StatusCode);
        }
        factory.Services.GetRequiredService<InferenceEngine>().BatchFormed = _ => throw new InvalidOperationException("a bug in the batch loop");

        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var first = await client.PostAsJsonAsync("/predict", new { text = new[] { $"engine dies {Guid.NewGuid()}" } });
        using var later = await client.PostAsJsonAsync("/predict", new { text = new[] { $"after it died {Guid.NewGuid()}" } });

        foreach (var response in new[] { first, later })
        {
            await PredictApiTests.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, null);
            Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
        }
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"callers must not wait for a dead engine: {watch.Elapsed}");
        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
    }
}
