using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace Tests.Infrastructure;

/// <summary>The API in embedded mode over the default model, with per-fixture configuration on top.</summary>
public class EmbeddedApiFactory : WebApplicationFactory<Program>
{
    private readonly Dictionary<string, string?> _settings;

    public EmbeddedApiFactory() : this(new Dictionary<string, string?>(), null)
    {
    }

    /// <summary>A factory serving the model directory <paramref name="modelPath"/> (e.g. the INT8 copy of the default model).</summary>
    protected EmbeddedApiFactory(string modelPath) : this(new Dictionary<string, string?>(), modelPath)
    {
    }

    private EmbeddedApiFactory(IDictionary<string, string?> settings, string? modelPath)
    {
        _settings = new Dictionary<string, string?>(settings) { ["Model:Path"] = modelPath ?? RepositoryPaths.DefaultModel };
    }

    /// <summary>A factory with <paramref name="settings"/> on top of appsettings (e.g. "Inference:QueueCapacity").</summary>
    public static EmbeddedApiFactory With(IDictionary<string, string?> settings, string? modelPath = null) => new(settings, modelPath);

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}

/// <summary>The embedded API serving the float model the default is quantized from (models/default-float).</summary>
public sealed class FloatApiFactory() : EmbeddedApiFactory(RepositoryPaths.FloatModel);
