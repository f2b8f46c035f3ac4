using System.Net;
using System.Net.Http.Json;
using Tests.Infrastructure;

namespace Tests.Api;

public sealed class OverloadTests
{
    [Fact]
    public async Task Predict_InferenceQueueFull_503WithRetryAfterFast()
    {
        await using var factory = EmbeddedApiFactory.With(new Dictionary<string, string?>
        {
            ["Inference:QueueCapacity"] = "1",
            ["Inference:MaxBatchSize"] = "1",
            ["Api:RetryAfterSeconds"] = "3",
        });
        var client = factory.CreateClient();
        var texts = Enumerable.Range(0, 128).Select(i => $"overload text {i} {Guid.NewGuid()}").ToArray();

        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var response = await client.PostAsJsonAsync("/predict", new { text = texts });

        await PredictApiTests.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, null);
        Assert.Equal(TimeSpan.FromSeconds(3), response.Headers.RetryAfter?.Delta);
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");

        // Texts that were refused are not cached as failures: asked again alone, they are answered.
        using var retry = await client.PostAsJsonAsync("/predict", new { text = texts[^1..] });
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
    }
}
