using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using Tests.Infrastructure;

namespace Tests.Dashboard;

/// <summary>The operator dashboard in a real headless Chromium, over a running 2-silo cluster under load.</summary>
[Collection(LocalClusterCollection.Name)]
public sealed class DashboardBrowserTests
{
    private static readonly float Patience = 20_000;

    [Fact]
    public async Task Dashboard_shows_every_silo_and_its_numbers_move_under_load_without_errors()
    {
        await using var cluster = await LocalCluster.StartAsync(silos: 2);
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await Chromium.LaunchAsync(playwright);
        var page = await browser.NewPageAsync(new BrowserNewPageOptions { ViewportSize = new ViewportSize { Width = 1440, Height = 1000 } });
        var problems = new ConcurrentQueue<string>();
        page.Console += (_, message) =>
        {
            if (message.Type is "error" or "warning")
            {
                problems.Enqueue($"console {message.Type}: {message.Text}");
            }
        };
        page.PageError += (_, error) => problems.Enqueue($"page error: {error}");
        page.RequestFailed += (_, request) => problems.Enqueue($"request failed: {request.Url} {request.Failure}");
        page.Response += (_, response) =>
        {
            if (response.Status >= 400)
            {
                problems.Enqueue($"{response.Status} for {response.Url}");
            }
        };

        await page.GotoAsync(new Uri(cluster.ApiAddress, "dashboard").ToString());

        // Both silos, live, with their Orleans endpoints.
        foreach (var silo in cluster.Silos)
        {
            var row = page.Locator($"#members tr[data-member-id='{silo.Name}']");
            await Assertions.Expect(row).ToBeVisibleAsync(new() { Timeout = Patience });
            await Assertions.Expect(row.Locator(".pill")).ToHaveTextAsync("live", new() { Timeout = Patience });
            await Assertions.Expect(row).ToContainTextAsync(silo.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.Endpoint.ToString());
        }
        await Assertions.Expect(page.Locator("#live-members")).ToHaveTextAsync("2 live");

        await using (var load = new PredictLoad(cluster.Client, PredictLoad.Texts(200, nameof(DashboardBrowserTests)), workers: 2))
        {
            await load.WaitForProgressAsync(20);
            string before = await page.Locator("#predictions-total").InnerTextAsync();
            // Rates need two snapshots; then the totals keep moving while the load runs.
            await page.WaitForFunctionAsync("() => /^[0-9.]+k?$/.test(document.getElementById('requests-per-second').textContent) && Number(document.getElementById('requests-per-second').textContent) !== 0",
                null, new() { Timeout = Patience });
            await page.WaitForFunctionAsync("before => document.getElementById('predictions-total').textContent !== before", before, new() { Timeout = Patience });
            string requestsTotal = await page.Locator("#requests-total").InnerTextAsync();
            await page.WaitForFunctionAsync("before => document.getElementById('requests-total').textContent !== before", requestsTotal, new() { Timeout = Patience });
            // Every silo's row has its own activations and predictions/s, and the cluster's inference p99 shows.
            await page.WaitForFunctionAsync("""
                () => [...document.querySelectorAll('#members tbody tr')].every(row => {
                        const cells = row.querySelectorAll('td.num');
                        return cells[1].textContent !== '–' && cells[1].textContent !== '0' && cells[3].textContent !== '–';
                      })
                      && document.getElementById('inference-p99').textContent !== '–'
                """, null, new() { Timeout = Patience });
            // A few seconds of history so the sparklines and charts have something to draw in the screenshot.
            await page.WaitForFunctionAsync("() => document.querySelectorAll('#chart-throughput polyline').length > 0", null, new() { Timeout = Patience });
            await page.WaitForFunctionAsync("() => /last ([6-9]|[1-9][0-9]+) s/.test(document.getElementById('chart-throughput-max').textContent)", null, new() { Timeout = Patience });
            await load.WaitForProgressAsync(100);
            Assert.Empty(load.Failures);
        }

        Directory.CreateDirectory(Path.Combine(RepositoryPaths.Root, "artifacts"));
        await page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(RepositoryPaths.Root, "artifacts", "dashboard.png"), FullPage = true });
        Assert.Empty(problems);
    }
}
