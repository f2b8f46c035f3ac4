using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Tests.Api;
using Tests.Infrastructure;

namespace Tests.Metrics;

/// <summary>
/// The API in embedded mode over the default model (and its reference.json), with a drift window the size of SST-2
/// dev, checked every 50 ms, and its logs captured.
/// </summary>
public sealed class DriftApiFactory : WebApplicationFactory<Program>
{
    public static int WindowSize => Sst2.DevSentences.Count;

    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Model:Path", RepositoryPaths.DefaultModel);
        // The window holds exactly one replay of dev, so a replay compares the reference's own texts with it.
        builder.UseSetting("Drift:WindowSize", WindowSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
        builder.UseSetting("Drift:MinimumSamples", "400");
        builder.UseSetting("Drift:CheckInterval", "00:00:00.050");
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }
}
