using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Tests.Infrastructure;

namespace Tests.Api;

/// <summary>
/// The API in cluster mode started while no silo can be reached (all stopped): it serves at once, live but not ready,
/// answering /predict with 503 + Retry-After without waiting for Routing:Deadline; when a silo comes, it connects
/// by itself and serves predictions.
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed class ClusterApiStartupTests
{
    private static readonly TimeSpan NoClusterAnswerBound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ApiStartedWithNoSilo_IsLiveNotReady_Answers503Fast_AndServesOnceASiloJoins()
    {
        await using var cluster = await LocalCluster.StartAsync(silos: 1, modelPath: RepositoryPaths.LexiconModel);
        await cluster.Silos[0].StopAsync();

        await using var api = await cluster.StartAnotherApiAsync();
        Assert.False(api.Started.IsCompleted, "the host's start should still wait for a gateway");
        Assert.Equal(HttpStatusCode.OK, (await api.Client.GetAsync("/health/live")).StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await api.Client.GetAsync("/health/ready")).StatusCode);

        var clock = Stopwatch.StartNew();
        using var refused = await api.Client.PostAsJsonAsync("predict", new { text = new[] { "nobody home " + Guid.NewGuid() } });
        clock.Stop();
        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.NotNull(refused.Headers.RetryAfter);
        Assert.True(clock.Elapsed < NoClusterAnswerBound, $"the 503 took {clock.Elapsed}");

        await cluster.StartSiloAsync("silo-2", modelPath: RepositoryPaths.LexiconModel);
        await api.Started.WaitAsync(TimeSpan.FromSeconds(60));
        await WaitUntil.TrueAsync(async () => (await api.Client.GetAsync("/health/ready")).IsSuccessStatusCode, TimeSpan.FromSeconds(60), "the API to be ready");
        using var served = await api.Client.PostAsJsonAsync("predict", new { text = new[] { "somebody home " + Guid.NewGuid() } });
        Assert.Equal(HttpStatusCode.OK, served.StatusCode);
    }
}
