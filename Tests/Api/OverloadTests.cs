using System.Net;
using System.Net.Http.Json;
using PredictionCluster.Inference;
using PredictionCluster.Inference.Batching;
using PredictionCluster.Api.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Tests.Infrastructure;

namespace Tests.Api;

/// <summary>Overload through the API: a request over the queueing budget is refused whole and at once.</summary>
public sealed class OverloadTests
{
    [Fact]
    public async Task Predict_RequestOverTheQueueingBudget_503AtOnceWithRetryAfter_AndNoneOfItsTextsComputed()
    {
        await using var factory = EmbeddedApiFactory.With(new Dictionary<string, string?>
        {
            // A request with a long text running ahead of it would wait more than 1 ms; with nothing ahead, none waits.
            ["Inference:MaxQueueTime"] = "00:00:00.001",
            ["Api:RetryAfterSeconds"] = "3",
        });
        var client = factory.CreateClient();
        var engine = factory.Services.GetRequiredService<InferenceEngine>();
        var metrics = factory.Services.GetRequiredService<InferenceMetrics>();
        using (var measured = await client.PostAsJsonAsync("/predict", new { text = new[] { $"the engine measures its throughput {Guid.NewGuid()}" } }))
        {
            Assert.Equal(HttpStatusCode.OK, measured.StatusCode);
        }
        Assert.True(engine.TokensPerSecond > 0);
        long computed = metrics.TextCount;
        // A text of the model's full length holds a worker: it is the work ahead of the next request.
        using var gate = new WorkerGate(engine);
        var ahead = client.PostAsJsonAsync("/predict", new { text = new[] { string.Join(' ', Enumerable.Repeat("long", 400)) + Guid.NewGuid() } });
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        var texts = Enumerable.Range(0, 128).Select(i => $"overload text {i} {Guid.NewGuid()}").ToArray();

        var watch = System.Diagnostics.Stopwatch.StartNew();
        using var response = await client.PostAsJsonAsync("/predict", new { text = texts });
        watch.Stop();
        gate.Open();
        using (var aheadResponse = await ahead)
        {
            Assert.Equal(HttpStatusCode.OK, aheadResponse.StatusCode);
        }

        await PredictApiTests.AssertProblemAsync(response, HttpStatusCode.ServiceUnavailable, null);
        Assert.True(response.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(3), $"Retry-After {response.Headers.RetryAfter}");
        // Refused on its first text: no text of it waited for a batch (generous for a loaded 2-core machine).
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(2), $"the refusal took {watch.Elapsed.TotalMilliseconds:F0} ms");
        Assert.Equal(computed + 1, metrics.TextCount); // the long text ahead, and none of the refused request's
        Assert.True(metrics.RejectedCount >= 1);

        // Refused texts are not cached as failures: asked again with nothing ahead, they are answered.
        using var retry = await client.PostAsJsonAsync("/predict", new { text = texts });
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(computed + 1 + texts.Length, metrics.TextCount);
    }

    [Fact]
    public async Task Startup_QueueCapacitySmallerThanMaxTexts_IsRefusedNamingBoth()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Model:Path"] = RepositoryPaths.DefaultModel,
            ["Urls"] = "http://127.0.0.1:0",
            ["Inference:QueueCapacity"] = "100",
            ["Api:MaxTexts"] = "128",
        };

        // Kestrel's limits read the API's options while the host is built, so the refusal may come from either step.
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            var app = ApiHost.Build([], settings);
            await app.StartAsync();
        });

        Assert.Contains("Inference:QueueCapacity is smaller than Api:MaxTexts", failure.Message);
    }
}
