using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Api.Hosting;
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
        using var counters = JsonDocument.Parse(await client.GetStringAsync("dashboard/DashboardCounters"));
        var host = Assert.Single(counters.RootElement.GetProperty("hosts").EnumerateArray());
        Assert.Equal("Active", host.GetProperty("status").GetString());
        var predictionGrains = counters.RootElement.GetProperty("simpleGrainStats").EnumerateArray()
            .Single(s => s.GetProperty("grainType").GetString() == "Grains.Prediction.PredictionGrain");
        Assert.Equal(texts.Length, predictionGrains.GetProperty("activationCount").GetInt32());
        await api.StopAsync();
    }
}
