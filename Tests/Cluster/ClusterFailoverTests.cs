using Microsoft.Extensions.DependencyInjection;
using System.Net;
using Api.Hosting;
using Api.Routing;
using Grains.Storage;
using Grains.Interfaces;
using Tests.Infrastructure;

namespace Tests.Cluster;

/// <summary>Silos leaving, a silo that is down, Redis going away: clients see no failure and lose nothing.</summary>
[Collection(ClusterCollection.Name)]
public sealed class ClusterFailoverTests
{
    [Fact]
    public async Task A_result_outlives_the_silo_that_computed_it()
    {
        await using var cluster = await TestCluster.StartAsync(silos: 3);
        string[] text = ["a result computed once and kept in redis"];
        var first = await ClusterClient.PredictAsync(cluster.Client, text);
        var owner = cluster.OwnerOf(cluster.KeyOf(text[0]));
        Assert.Equal(1, owner.Inferences);
        await ClusterRoutingTests.WaitForStoredAsync(cluster, 1);

        await cluster.StopSiloAsync(owner.Id);
        await cluster.WaitForMembersAsync(2);
        var second = await ClusterClient.PredictAsync(cluster.Client, text);

        Assert.Equal(first, second);
        var newOwner = cluster.OwnerOf(cluster.KeyOf(text[0]));
        Assert.Equal(1, newOwner.Predictions.Count(PredictionSource.Storage));
        Assert.Equal(0, cluster.Silos.Sum(s => s.Inferences));
    }

    [Fact]
    public async Task Stopping_one_of_three_silos_under_load_fails_no_request_and_ownership_converges()
    {
        await using var cluster = await TestCluster.StartAsync(silos: 3);
        var texts = ClusterClient.Texts(400, nameof(Stopping_one_of_three_silos_under_load_fails_no_request_and_ownership_converges));
        await using var load = new LoadLoop(cluster.Client, texts);
        await load.WaitForProgressAsync(50);

        await cluster.StopSiloAsync("silo-2");
        await cluster.WaitForMembersAsync(2);
        await load.WaitForProgressAsync(100);
        long requests = await load.StopAsync();

        Assert.Empty(load.Failures);
        Assert.True(requests >= 150, $"{requests} requests");
        // After convergence, fresh keys live on their owner among the two remaining silos only.
        var fresh = ClusterClient.Texts(100, "after-convergence");
        await ClusterClient.PredictAsync(cluster.Client, fresh);
        foreach (var text in fresh)
        {
            var key = cluster.KeyOf(text);
            Assert.Equal([cluster.OwnerOf(key).Id], cluster.Silos.Where(s => s.Activations.IsActive(key)).Select(s => s.Id).ToArray());
        }
    }

    [Fact]
    public async Task Killing_a_silo_process_under_load_fails_no_request()
    {
        await using var cluster = await TestCluster.StartAsync(silos: 2);
        await using var doomed = await cluster.StartSiloProcessAsync("silo-9");
        await cluster.WaitForMembersAsync(3);
        var texts = ClusterClient.Texts(400, nameof(Killing_a_silo_process_under_load_fails_no_request));
        await using var load = new LoadLoop(cluster.Client, texts);
        await load.WaitForProgressAsync(50);
        var routing = cluster.ApiServices.GetRequiredService<RoutingMetrics>();
        long callsBefore = routing.CallCount;

        await doomed.KillAsync();
        // No goodbye from a killed silo: routers drop it when its heartbeats stop (MemberTimeout).
        await cluster.WaitForMembersAsync(2);
        await load.WaitForProgressAsync(50);
        long requests = await load.StopAsync();

        Assert.Empty(load.Failures);
        Assert.True(routing.CallCount > callsBefore);
        // Until it was dropped, calls to it were refused and moved to the next silo.
        Assert.True(routing.FailoverCount > 0, "no call failed over");
        Assert.True(requests >= 100, $"{requests} requests");
    }

    [Fact]
    public async Task Redis_going_away_degrades_readiness_but_not_answers_and_persistence_resumes()
    {
        await using var cluster = await TestCluster.StartAsync(silos: 2);
        var texts = ClusterClient.Texts(400, nameof(Redis_going_away_degrades_readiness_but_not_answers_and_persistence_resumes));
        await using var load = new LoadLoop(cluster.Client, texts);
        await load.WaitForProgressAsync(30);

        await cluster.Redis.StopAsync();
        var silo = cluster.Silos.First();
        await WaitForReadinessAsync(silo.Address, "Degraded");
        await WaitForReadinessAsync(cluster.ApiAddress, "Degraded");
        await load.WaitForProgressAsync(50);
        // New texts are answered from inference while Redis is away.
        await ClusterClient.PredictAsync(cluster.Client, ["a text first seen while redis is down"]);

        await cluster.Redis.RestartAsync();
        await WaitForReadinessAsync(silo.Address, "Healthy");
        await WaitForReadinessAsync(cluster.ApiAddress, "Healthy");
        await load.WaitForProgressAsync(30);
        long requests = await load.StopAsync();
        Assert.Empty(load.Failures);
        Assert.True(requests >= 110, $"{requests} requests");

        // Persistence resumed without a restart: a new result reaches Redis.
        string[] after = ["a text first seen after redis came back"];
        await ClusterClient.PredictAsync(cluster.Client, after);
        var store = cluster.OwnerOf(cluster.KeyOf(after[0])).Services.GetRequiredService<IPredictionStore>();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while ((await store.ReadManyAsync([cluster.KeyOf(after[0])], CancellationToken.None))[0] is null)
        {
            Assert.True(DateTime.UtcNow < deadline, "The result never reached Redis.");
            await Task.Delay(50);
        }
        Assert.Equal(2, cluster.ApiMembership.Current.Members.Count);
    }

    [Fact]
    public async Task A_silo_that_is_down_in_a_static_member_list_costs_no_request()
    {
        await using var cluster = await TestCluster.StartAsync(silos: 1);
        var live = cluster.Silos.Single();
        var settings = cluster.SharedSettings;
        int port = FreePort.Reserve();
        settings["urls"] = $"http://127.0.0.1:{port}";
        settings["Membership:Provider"] = "Static";
        settings["Membership:Silos:0:Id"] = live.Id;
        settings["Membership:Silos:0:Url"] = live.InternalAddress.ToString();
        settings["Membership:Silos:1:Id"] = "silo-down";
        settings["Membership:Silos:1:Url"] = $"http://127.0.0.1:{FreePort.Reserve()}";
        var api = ApiHost.Build(TestCluster.ApiArguments, settings);
        await api.StartAsync();
        try
        {
            using var client = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{port}/") };
            await WaitForReadinessAsync(client.BaseAddress, "Healthy");
            var texts = ClusterClient.Texts(60, nameof(A_silo_that_is_down_in_a_static_member_list_costs_no_request));
            var scores = await ClusterClient.PredictAsync(client, texts);
            Assert.Equal(texts.Length, scores.Length);
            Assert.Equal(texts.Length, live.Inferences);
            // About half the keys belong to the dead silo: their calls were refused and moved.
            Assert.True(api.Services.GetRequiredService<RoutingMetrics>().FailoverCount > 0);
        }
        finally
        {
            await api.StopAsync();
            await api.DisposeAsync();
        }
    }

    /// <summary>Polls <c>/health/ready</c> until its body reads <paramref name="status"/> (Degraded still answers 200).</summary>
    private static async Task WaitForReadinessAsync(Uri host, string status)
    {
        using var client = new HttpClient { BaseAddress = host, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(15);
        string last = "";
        while (DateTime.UtcNow < deadline)
        {
            try
            {
                using var response = await client.GetAsync("health/ready");
                last = $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
                if (response.StatusCode == HttpStatusCode.OK && last.EndsWith(status, StringComparison.Ordinal))
                {
                    return;
                }
            }
            catch (HttpRequestException e)
            {
                last = e.Message;
            }
            await Task.Delay(50);
        }
        Assert.Fail($"{host} readiness never became {status}; last: {last}");
    }
}
