using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using PredictionCluster.Grains.Interfaces;
using PredictionCluster.Inference.Batching;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Connections.Security;
using Orleans.Runtime.Messaging;
using StackExchange.Redis;
using Tests.Infrastructure;

namespace Tests.Security;

/// <summary>
/// Mutual TLS in a real cluster (redis-server, two silos and the API as hosts in this process over TCP), with
/// certificates made in the test: the right ones talk; a client without TLS, with TLS but no certificate, or with a
/// certificate of another CA, is refused by the silo, and an API so refused answers /predict with 503 and Retry-After,
/// quickly, not in a hang.
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed class ClusterTlsTests
{
    /// <summary>A refused client learns nothing from the silos, so it answers 503 without waiting for Routing:Deadline.</summary>
    private static readonly TimeSpan RefusalAnswerBound = TimeSpan.FromSeconds(5);

    [Fact]
    public async Task ApiAndSiloWithCertificatesOfTheClusterCa_Talk_AndAClientWithoutTlsOrWithAnotherCasCertificateGets503()
    {
        using var authority = new TestCertificateAuthority("cluster-ca");
        using var stranger = new TestCertificateAuthority("other-ca");
        var silo = authority.Issue("silo-1");
        var api = authority.Issue("api");
        await using var cluster = await LocalCluster.StartAsync(silos: 1, siloSettings: silo.Settings(), apiSettings: api.Settings(),
            modelPath: RepositoryPaths.LexiconModel);
        // A second silo with a certificate of its own from the same CA: silo-to-silo traffic (membership probes,
        // calls forwarded from the gateway) runs over TLS too.
        var second = await cluster.StartSiloAsync("silo-2", authority.Issue("silo-2").Settings(), RepositoryPaths.LexiconModel);
        var management = cluster.ApiServices.GetRequiredService<IGrainFactory>().GetGrain<IManagementGrain>(0);
        await WaitUntil.TrueAsync(async () => (await management.GetHosts(onlyActive: true)).Count == 2, TimeSpan.FromSeconds(60), "both silos to be active");

        var texts = Enumerable.Range(0, 24).Select(i => $"tls works {i} {Guid.NewGuid()}").ToArray();
        using var accepted = await cluster.Client.PostAsJsonAsync("predict", new { text = texts });
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
        // Rendezvous placement over two silos puts some of 24 new keys on each (all on one: chance 2^-23).
        Assert.All(new[] { cluster.Silos[0], second }, s => Assert.True(Answered(s) > 0, $"{s.Name} answered nothing"));

        // The foreign client trusts the cluster's CA (so it would accept the silo); only the silo's refusal stops it.
        var refusedClients = new (string What, Dictionary<string, string?> Settings)[]
        {
            ("no TLS", new Dictionary<string, string?>()),
            ("another CA's certificate", stranger.Issue("intruder").Settings(caPath: silo.CaPath)),
        };
        foreach (var (what, settings) in refusedClients)
        {
            await using var refused = await cluster.StartAnotherApiAsync(settings);
            Assert.False(refused.Started.IsCompleted, $"{what}: the client reached a gateway");
            Assert.Equal(HttpStatusCode.OK, (await refused.Client.GetAsync("/health/live")).StatusCode);
            using var ready = await refused.Client.GetAsync("/health/ready");
            Assert.True(ready.StatusCode == HttpStatusCode.ServiceUnavailable, $"{what}: /health/ready said {(int)ready.StatusCode}");

            var clock = Stopwatch.StartNew();
            using var response = await refused.Client.PostAsJsonAsync("predict", new { text = new[] { "refused " + Guid.NewGuid() } });
            clock.Stop();
            Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"{what}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            Assert.NotNull(response.Headers.RetryAfter);
            Assert.True(clock.Elapsed < RefusalAnswerBound, $"{what}: the 503 took {clock.Elapsed}");
        }

        // A TLS client that trusts any silo but presents no certificate: the silo's RequireCertificate refuses it.
        var firstFailure = new TaskCompletionSource<Exception>(TaskCreationOptions.RunContinuationsAsynchronously);
        var anonymous = Host.CreateApplicationBuilder();
        anonymous.Logging.ClearProviders();
        anonymous.UseOrleansClient(client =>
        {
            client.UseRedisClustering(options => options.ConfigurationOptions = ConfigurationOptions.Parse(cluster.Redis.Endpoint));
            client.Configure<ClusterOptions>(options => (options.ClusterId, options.ServiceId) = (cluster.SharedSettings["Orleans:ClusterId"]!, cluster.SharedSettings["Orleans:ServiceId"]!));
            client.UseTls(options =>
            {
                options.ClientCertificateMode = RemoteCertificateMode.AllowCertificate; // and it has none to present
                options.AllowAnyRemoteCertificate();
            });
            // No retry: the first refusal ends the start.
            client.UseConnectionRetryFilter((exception, _) =>
            {
                firstFailure.TrySetResult(exception);
                return Task.FromResult(false);
            });
        });
        using (var host = anonymous.Build())
        {
            await Assert.ThrowsAnyAsync<Exception>(() => host.StartAsync().WaitAsync(TimeSpan.FromSeconds(60)));
            Assert.IsType<ConnectionFailedException>(await firstFailure.Task.WaitAsync(TimeSpan.FromSeconds(1)));
        }

        // The cluster's own API still talks after the refusals.
        using var again = await cluster.Client.PostAsJsonAsync("predict", new { text = new[] { "still talking " + Guid.NewGuid() } });
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    /// <summary>Texts the silo's engine ran (every key of the request is new, so each was inferred by its grain's silo).</summary>
    private static long Answered(LocalSilo silo) => silo.Services.GetRequiredService<InferenceMetrics>().TextCount;
}
