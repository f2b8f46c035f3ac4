using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Logging;
using Tests.Grains;

namespace Tests.Api;

/// <summary>The API in embedded mode over <see cref="FaultyModel"/>, with its logs captured.</summary>
public sealed class FaultyModelApiFactory : WebApplicationFactory<Program>
{
    private readonly FaultyModel _model = new();

    public CapturedLogs Logs { get; } = new();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting("Model:Path", _model.Directory);
        builder.ConfigureLogging(logging => logging.AddProvider(Logs));
    }

    public override async ValueTask DisposeAsync()
    {
        await base.DisposeAsync();
        _model.Dispose();
    }
}
