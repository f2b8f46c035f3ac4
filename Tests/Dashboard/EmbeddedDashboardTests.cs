using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using PredictionCluster.Api.Hosting;
using Tests.Infrastructure;

namespace Tests.Dashboard;

/// <summary>Orleans' dashboard in embedded mode: the API serves it over its co-hosted silo.</summary>
public sealed class EmbeddedDashboardTests
{
    [Fact]
    public async Task Embedded_mode_shows_its_co_hosted_silo_and_the_PredictionGrains_of_its_requests()
    {
        int port = FreePort.Reserve();
        var address = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}");
        await using var api = ApiHost.Build(LocalCluster.ContentRootArguments("Api"), new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
            ["Kestrel:Endpoints:Http:Url"] = address.ToString().TrimEnd('/'),
            ["Model:Path"] = RepositoryPaths.LexiconModel,
        });
        await api.StartAsync();
        using var client = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };
        string[] texts = [.. Enumerable.Range(0, 3).Select(i => $"{nameof(EmbeddedDashboardTests)} {i}")];
        using (var answer = await client.PostAsJsonAsync("predict", new { text = texts }))
        {
            answer.EnsureSuccessStatusCode();
        }

        Assert.Contains("Orleans Dashboard", await client.GetStringAsync("dashboard/"));
        // The dashboard's figures are sampled every second: the first answers may not have them yet.
        await WaitUntil.TrueAsync(async () =>
        {
            using var counters = JsonDocument.Parse(await client.GetStringAsync("dashboard/DashboardCounters"));
            var hosts = counters.RootElement.GetProperty("hosts").EnumerateArray().ToArray();
            int predictionGrains = counters.RootElement.GetProperty("simpleGrainStats").EnumerateArray()
                .Where(s => s.GetProperty("grainType").GetString() == "PredictionCluster.Grains.Prediction.PredictionGrain")
                .Sum(s => s.GetProperty("activationCount").GetInt32());
            return hosts is [var host] && host.GetProperty("status").GetString() == "Active" && predictionGrains == texts.Length;
        }, TimeSpan.FromSeconds(30), "the co-hosted silo, active, with one PredictionGrain per text");
        await api.StopAsync();
    }
}
