using System.Net;
using System.Text;
using System.Text.Json;
using PredictionCluster.Api.Drift;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Tests.Infrastructure;

namespace Tests.Metrics;

/// <summary>
/// One embedded API over the default model for <see cref="DriftTests"/>, which has replayed SST-2 dev once, and what
/// /metrics and the log said right after (two drift checks later). The replay is the expensive part (872 texts through
/// MiniLM); the tests after it send texts the near cache already knows, and read the snapshot, so they need not run
/// in any order.
/// </summary>
public sealed class DriftFixture : IAsyncLifetime
{
    public DriftApiFactory Factory { get; } = new();

    public HttpClient Client { get; private set; } = null!;

    /// <summary>/metrics once the window held exactly the dev replay.</summary>
    public IReadOnlyList<ParsedFamily> AfterDev { get; private set; } = [];

    /// <summary>Drift warnings logged up to two checks after the dev replay.</summary>
    public IReadOnlyList<string> WarningsAfterDev { get; private set; } = [];

    public DriftWatch Watch => Factory.Services.GetServices<IHostedService>().OfType<DriftWatch>().Single();

    public IReadOnlyList<string> DriftWarnings() =>
        Factory.Logs.AtLeast(LogLevel.Warning).Where(e => e.Category == typeof(DriftWatch).FullName).Select(e => e.Message).ToArray();

    public async Task InitializeAsync()
    {
        Client = Factory.CreateClient();
        await ReplayAsync(Sst2.DevSentences);
        AfterDev = await Scrape.FamiliesAsync(Client);
        long checks = Watch.Checks;
        await WaitUntil.TrueAsync(() => Watch.Checks >= checks + 2, TimeSpan.FromSeconds(10), "two drift checks of the full window");
        WarningsAfterDev = DriftWarnings();
    }

    /// <summary>Every text once, in order, as many per request as the API takes.</summary>
    public async Task ReplayAsync(IReadOnlyList<string> texts)
    {
        foreach (var chunk in texts.Chunk(128))
        {
            using var response = await Client.PostAsync("/predict",
                new StringContent(JsonSerializer.Serialize(new { text = chunk }), Encoding.UTF8, "application/json"));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
    }
}
