using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Playwright;
using Tests.Infrastructure;

namespace Tests.Dashboard;

/// <summary>Orleans' dashboard on the API, in a real headless Chromium, over a running 2-silo cluster under load.</summary>
[Collection(LocalClusterCollection.Name)]
public sealed class DashboardBrowserTests(DashboardClusterFixture fixture) : IClassFixture<DashboardClusterFixture>
{
    private const float Patience = 30_000;

    private const string PredictionGrainType = "PredictionCluster.Grains.Prediction.PredictionGrain";

    private LocalCluster Cluster => fixture.Cluster;

    [Fact]
    public async Task Dashboard_shows_both_silos_active_and_PredictionGrain_calls_under_load_without_errors()
    {
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });
        var problems = new ConcurrentQueue<string>();
        var origins = new ConcurrentBag<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                problems.Enqueue($"console {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => problems.Enqueue($"page error: {error}");
        page.RequestFailed += (_, request) => problems.Enqueue($"request failed: {request.Url} {request.Failure}");
        page.Request += (_, request) =>
        {
            var url = new Uri(request.Url);
            if (url.Scheme is not "data" and not "blob")
            {
                origins.Add(url.GetLeftPart(UriPartial.Authority));
            }
        };
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                problems.Enqueue($"{response.Status} for {response.Url}");
            }
        };

        await page.GotoAsync(new Uri(Cluster.ApiAddress, "dashboard").ToString());
        await Assertions.Expect(InfoBox(page, "Active Silos")).ToHaveTextAsync("2", new() { Timeout = Patience });

        // The Silos page: one row per silo of the member table, by its Orleans name, active.
        await page.GotoAsync(new Uri(Cluster.ApiAddress, "dashboard/#/silos").ToString());
        foreach (var silo in Cluster.Silos)
        {
            var row = page.Locator("tr").Filter(new() { Has = page.Locator("td", new() { HasTextRegex = new($"^{silo.Name}$") }) });
            await Assertions.Expect(row.Locator(".label")).ToHaveTextAsync("Active", new() { Timeout = Patience });
        }

        // The Grains page, while /predict runs: PredictionGrain with activations and calls per second.
        await using (var load = new PredictLoad(Cluster.Client, PredictLoad.Texts(200, nameof(DashboardBrowserTests)), workers: 2))
        {
            await load.WaitForProgressAsync(20);
            await page.GotoAsync(new Uri(Cluster.ApiAddress, "dashboard/#/grains").ToString());
            var row = page.Locator("tr").Filter(new() { Has = page.Locator($"a[href='#/grain/{PredictionGrainType}']") });
            await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = Patience });
            // Cells: name, system-grain label, activations, exception rate, throughput (req/sec), latency.
            await WaitUntil.TrueAsync(async () => Number(await row.Locator("td").Nth(4).Locator("strong").InnerTextAsync()) > 0,
                TimeSpan.FromMilliseconds(Patience), "PredictionGrain calls on the dashboard");
            Assert.True(Number(await row.Locator("td").Nth(2).Locator("strong").InnerTextAsync()) > 0, "no PredictionGrain activations shown");
            Assert.Equal("0.00", await row.Locator("td").Nth(3).Locator("strong").InnerTextAsync());
            await load.WaitForProgressAsync(20);
            Assert.Empty(load.Failures);
        }

        Directory.CreateDirectory(Path.Combine(RepositoryPaths.Root, "artifacts"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepositoryPaths.Root, "artifacts", "dashboard.png"), FullPage = true });
        Assert.Empty(problems);
        // Offline: every script, style, font and image came from the API itself.
        Assert.Equal([Cluster.ApiAddress.GetLeftPart(UriPartial.Authority)], origins.Distinct());
    }

    [Fact]
    public async Task Every_silo_serves_the_dashboard_of_the_whole_cluster_on_its_HTTP_port()
    {
        foreach (var silo in Cluster.Silos)
        {
            using var client = new HttpClient { BaseAddress = silo.HttpAddress, Timeout = TimeSpan.FromSeconds(60) };
            Assert.Contains("Orleans Dashboard", await client.GetStringAsync("dashboard/"));
            await WaitUntil.TrueAsync(async () =>
            {
                using var counters = System.Text.Json.JsonDocument.Parse(await client.GetStringAsync("dashboard/DashboardCounters"));
                var hosts = counters.RootElement.GetProperty("hosts").EnumerateArray()
                    .Where(h => h.GetProperty("status").GetString() == "Active")
                    .Select(h => h.GetProperty("siloName").GetString()).Order();
                return hosts.SequenceEqual(["silo-1", "silo-2"]);
            }, TimeSpan.FromMilliseconds(Patience), $"{silo.Name}'s dashboard to list silo-1 and silo-2 as active");
        }
    }

    private static ILocator InfoBox(IPage page, string title) =>
        page.Locator(".info-box-content").Filter(new() { Has = page.Locator(".info-box-text", new() { HasTextString = title }) }).Locator(".info-box-number");

    private static double Number(string text) => double.Parse(text.Trim(), NumberStyles.Float, CultureInfo.InvariantCulture);
}
