using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Api.Dashboard;
using Grains.Interfaces;
using Metrics;
using Microsoft.Extensions.DependencyInjection;
using Tests.Infrastructure;

namespace Tests.Dashboard;

/// <summary>What the dashboard page polls: members with their health and figures, in embedded and cluster mode.</summary>
[Collection(LocalClusterCollection.Name)]
public sealed class DashboardStateTests(DashboardClusterFixture fixture) : IClassFixture<DashboardClusterFixture>
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    private LocalCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Embedded_mode_shows_its_one_silo_and_counts_requests()
    {
        await using var factory = new EmbeddedApiFactory();
        using var client = factory.CreateClient();
        for (int i = 0; i < 3; i++)
        {
            using var answer = await client.PostAsync("predict", new StringContent("""{"text": ["a fine day", "a fine day", "rain"]}""", Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }

        var state = await StateUntilAsync(client, s => s.Totals.RequestsTotal == 3);

        Assert.Equal("embedded", state.Mode);
        var member = Assert.Single(state.Members);
        Assert.Equal(("embedded", MemberStatus.Live), (member.Id, member.Status));
        Assert.Equal(6, state.Totals.PredictionsTotal); // 2 distinct texts a request
        Assert.Equal(2, member.Activations); // PredictionGrains, from Orleans' own count
    }

    [Fact]
    public async Task The_page_and_its_files_are_served_same_origin_and_left_out_of_the_OpenAPI_document()
    {
        await using var factory = new EmbeddedApiFactory();
        using var client = factory.CreateClient();

        using var page = await client.GetAsync("dashboard");
        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("default-src 'self'", page.Headers.GetValues("Content-Security-Policy").Single());
        string html = await page.Content.ReadAsStringAsync();
        Assert.Contains("/dashboard/dashboard.js", html);
        Assert.DoesNotContain("http", html.Replace("http://www.w3.org", "", StringComparison.Ordinal), StringComparison.Ordinal); // no CDN
        Assert.Equal("text/javascript", (await client.GetAsync("dashboard/dashboard.js")).Content.Headers.ContentType!.MediaType);
        Assert.Equal("text/css", (await client.GetAsync("dashboard/dashboard.css")).Content.Headers.ContentType!.MediaType);

        string openApi = await client.GetStringAsync("openapi/v1.json");
        Assert.DoesNotContain("/dashboard", openApi);
        Assert.DoesNotContain("/metrics", openApi);
    }

    [Fact]
    public async Task Cluster_mode_lists_the_silos_by_name_and_address_each_with_its_own_figures()
    {
        string[] texts = [.. Enumerable.Range(0, 24).Select(i => $"{nameof(Cluster_mode_lists_the_silos_by_name_and_address_each_with_its_own_figures)} {i}")];
        using (var answer = await Cluster.Client.PostAsJsonAsync("predict", new { text = texts }))
        {
            Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        }
        // The totals are the silos' own counters (each silo's collector, read in its process), summed.
        var state = await StateUntilAsync(Cluster.Client, s => Original(s).All(m => m.Status == MemberStatus.Live)
            && Original(s).Sum(m => m.Activations ?? 0) >= texts.Length
            && s.Totals.PredictionsTotal == SiloPredictionsTotal());

        Assert.Equal("cluster", state.Mode);
        Assert.Equal(Cluster.ModelId, state.ModelId);
        var members = Original(state);
        Assert.Equal(["silo-1", "silo-2"], members.Select(m => m.Id));
        foreach (var (member, silo) in members.Zip(Cluster.Silos))
        {
            Assert.Equal(SiloAddressOf(silo).Endpoint.ToString(), member.Endpoint);
            Assert.InRange(member.HeartbeatAgeSeconds!.Value, 0, 30);
            Assert.NotNull(member.MemoryBytes);
            Assert.NotNull(member.QueueDepth);
            Assert.Null(member.Error);
        }
        // Spread by placement over both silos; each row's activations are that silo's own.
        Assert.All(members, m => Assert.True(m.Activations > 0, $"{m.Id} has no PredictionGrain activations"));
        Assert.True(state.Totals.PredictionsTotal >= texts.Length);
        Assert.Equal(2, state.Totals.LiveMembers);
    }

    [Fact]
    public async Task Silo_stats_grain_answers_on_the_silo_its_key_names_and_refuses_an_address_that_is_no_silo()
    {
        var grains = Cluster.ApiServices.GetRequiredService<IGrainFactory>();
        foreach (var silo in Cluster.Silos.Take(2))
        {
            byte[] json = await grains.GetGrain<ISiloStatsGrain>(SiloAddressOf(silo).ToParsableString()).GetMetricFamiliesAsync();
            var families = JsonSerializer.Deserialize(json, MetricsJsonContext.Default.MetricFamilyArray)!;
            Assert.Equal(silo.Name, families.Single(f => f.Name == "build_info").Samples.Single().Label("silo_id"));
            Assert.Contains(families, f => f.Name == "predictions_total" && f.Type == MetricType.Counter);
            Assert.Contains(families, f => f.Name == "inference_batch_duration_seconds" && f.Samples.Single().Histogram is { Bounds.Length: > 0 });
            Assert.Contains(families, f => f.Name == "orleans_grains" && f.Samples.Any(x => x.Label("grain_type") == "silostats"));
        }

        var nowhere = SiloAddress.New(new IPEndPoint(IPAddress.Loopback, FreePort.Reserve()), 1);
        await Assert.ThrowsAnyAsync<Exception>(() => grains.GetGrain<ISiloStatsGrain>(nowhere.ToParsableString()).GetMetricFamiliesAsync().AsTask()
            .WaitAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task A_silo_that_does_not_answer_shows_as_unreachable_and_the_others_stay_live()
    {
        var silo2 = Cluster.Silos[1];
        // Not disposed: silo-2 keeps the gauge (a meter of its factory lives as long as the host) and reads it on every collection.
        var gate = new ManualResetEventSlim();
        // A gauge of silo-2 whose reading blocks: silo-2's collector (and so its stats grain) hangs until the gate opens.
        var meter = silo2.Services.GetRequiredService<IMeterFactory>().Create(MetricsSelection.ProjectMeterPrefix + "Tests.Hang");
        meter.CreateObservableGauge("tests.hang", () =>
        {
            gate.Wait(TimeSpan.FromSeconds(60));
            return 0;
        });
        try
        {
            var started = DateTime.UtcNow;
            var state = await StateUntilAsync(Cluster.Client, s => s.Members.Any(m => m.Id == "silo-2" && m.Status == MemberStatus.Unreachable));
            Assert.True(DateTime.UtcNow - started < Patience);

            var hung = state.Members.Single(m => m.Id == "silo-2" && m.Status == MemberStatus.Unreachable);
            Assert.Contains("no answer within 1 s", hung.Error);
            Assert.Null(hung.Activations);
            var live = state.Members.Single(m => m.Id == "silo-1");
            Assert.Equal(MemberStatus.Live, live.Status);
            Assert.NotNull(live.MemoryBytes);
            Assert.Equal(2, state.Totals.LiveMembers); // unreachable is still a member
        }
        finally
        {
            gate.Set();
        }
        await StateUntilAsync(Cluster.Client, s => Original(s).All(m => m.Status == MemberStatus.Live));
    }

    [Fact]
    public async Task A_silo_that_stops_is_listed_as_dead_and_no_longer_counted_live()
    {
        var silo3 = await Cluster.StartSiloAsync("silo-3");
        await StateUntilAsync(Cluster.Client, s => s.Members.Any(m => m.Id == "silo-3" && m.Status == MemberStatus.Live));

        await silo3.StopAsync();

        var state = await StateUntilAsync(Cluster.Client, s => s.Members.Any(m => m.Id == "silo-3" && m.Status == MemberStatus.Dead));
        var dead = state.Members.Single(m => m.Id == "silo-3");
        Assert.Null(dead.PredictionsPerSecond);
        Assert.Equal(2, state.Totals.LiveMembers);
        Assert.All(Original(state), m => Assert.Equal(MemberStatus.Live, m.Status));
    }

    /// <summary>silo-1 and silo-2 (others come and go in these tests).</summary>
    private static DashboardMember[] Original(DashboardState state) => [.. state.Members.Where(m => m.Id is "silo-1" or "silo-2")];

    private static SiloAddress SiloAddressOf(LocalSilo silo) => silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress;

    private double SiloPredictionsTotal() => Cluster.Silos.Where(s => s.Name is "silo-1" or "silo-2")
        .Sum(s => s.Services.GetRequiredService<MetricsCollector>().Collect().Single(f => f.Name == "predictions_total").Samples.Sum(x => x.Value));

    private static async Task<DashboardState> StateUntilAsync(HttpClient client, Func<DashboardState, bool> condition)
    {
        var deadline = DateTime.UtcNow + Patience;
        while (true)
        {
            var state = await client.GetFromJsonAsync("dashboard/state", DashboardJsonContext.Default.DashboardState);
            Assert.NotNull(state);
            if (condition(state))
            {
                return state;
            }
            Assert.True(DateTime.UtcNow < deadline, $"The dashboard state never met the condition; last: {JsonSerializer.Serialize(state, DashboardJsonContext.Default.DashboardState)}");
            await Task.Delay(100);
        }
    }
}
