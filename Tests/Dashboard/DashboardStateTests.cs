using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Api.Dashboard;
using Grains.Interfaces.Wire;
using Grains.Membership;
using Metrics;
using Microsoft.Extensions.DependencyInjection;
using Tests.Cluster;
using Tests.Infrastructure;

namespace Tests.Dashboard;

/// <summary>What the dashboard page polls: members with their health and figures, in embedded and cluster mode.</summary>
[Collection(ClusterCollection.Name)]
public sealed class DashboardStateTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(15);

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
        Assert.Equal(2, member.Activations);
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
    public async Task A_silo_that_does_not_answer_shows_as_unreachable_and_the_others_stay_live()
    {
        await using var cluster = await TestCluster.StartAsync(silos: 2);
        await using var hung = new UnresponsiveServer();
        var table = cluster.ApiServices.GetRequiredService<IMembershipTable>();
        var started = DateTimeOffset.UtcNow;
        using var stop = new CancellationTokenSource();
        // A member that heartbeats (so the API's view holds it live) but whose endpoint never answers.
        var heartbeat = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                await table.WriteAsync(new MembershipEntry("silo-hung", $"http://{hung.Endpoint}", started, DateTimeOffset.UtcNow, MembershipStatus.Active), CancellationToken.None);
                await Task.Delay(100);
            }
        });
        try
        {
            await cluster.WaitForMembersAsync(3);
            var state = await StateUntilAsync(cluster.Client, s => s.Members.Any(m => m.Id == "silo-hung" && m.Status == MemberStatus.Unreachable));

            Assert.Equal(["silo-1", "silo-2", "silo-hung"], state.Members.Select(m => m.Id));
            Assert.All(state.Members.Where(m => m.Id != "silo-hung"), m => Assert.Equal(MemberStatus.Live, m.Status));
            Assert.All(state.Members.Where(m => m.Id != "silo-hung"), m => Assert.NotNull(m.MemoryBytes));
            var hungRow = state.Members.Single(m => m.Id == "silo-hung");
            Assert.NotNull(hungRow.Error);
            Assert.InRange(hungRow.HeartbeatAgeSeconds!.Value, 0, 2);
        }
        finally
        {
            await stop.CancelAsync();
            await heartbeat;
        }

        // Gone from the view once it stops heartbeating, it stays listed from the table, as dead.
        var after = await StateUntilAsync(cluster.Client, s => s.Members.Any(m => m.Id == "silo-hung" && m.Status == MemberStatus.Dead));
        Assert.Equal(2, after.Totals.LiveMembers);
    }

    [Fact]
    public async Task Silo_stats_need_the_cluster_key_and_carry_the_silos_metric_families()
    {
        await using var cluster = await TestCluster.StartAsync(silos: 1);
        var silo = cluster.Silo("silo-1");
        using var client = new HttpClient();

        using var without = await client.SendAsync(Http2Get(new Uri(silo.InternalAddress, "/internal/stats")));
        Assert.Equal(HttpStatusCode.Unauthorized, without.StatusCode);

        var request = Http2Get(new Uri(silo.InternalAddress, "/internal/stats"));
        request.Headers.Add(PredictionWire.ClusterKeyHeader, TestCluster.ClusterKey);
        using var with = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, with.StatusCode);
        var families = JsonSerializer.Deserialize(await with.Content.ReadAsStringAsync(), MetricsJsonContext.Default.MetricFamilyArray)!;
        Assert.Contains(families, f => f.Name == "predictions_total" && f.Type == MetricType.Counter);
        Assert.Contains(families, f => f.Name == "inference_batch_duration_seconds" && f.Samples.Single().Histogram is { Bounds.Length: > 0 });
        Assert.Equal("silo-1", families.Single(f => f.Name == "build_info").Samples.Single().Label("silo_id"));

        // Not on the public port, where Prometheus and probes reach, even with the key.
        using var onHttpRequest = new HttpRequestMessage(HttpMethod.Get, new Uri(silo.Address, "internal/stats"));
        onHttpRequest.Headers.Add(PredictionWire.ClusterKeyHeader, TestCluster.ClusterKey);
        using var onHttp = await client.SendAsync(onHttpRequest);
        Assert.Equal(HttpStatusCode.NotFound, onHttp.StatusCode);
    }

    private static HttpRequestMessage Http2Get(Uri uri) => new(HttpMethod.Get, uri)
    {
        Version = HttpVersion.Version20,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
    };

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
