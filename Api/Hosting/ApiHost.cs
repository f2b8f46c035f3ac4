namespace PredictionCluster.Api.Hosting;

/// <summary>Builds the API host; <c>Program</c> runs it, and cluster tests start several in one process.</summary>
public static class ApiHost
{
    /// <param name="args">Command-line arguments (configuration overrides).</param>
    /// <param name="settings">Configuration on top of everything else (tests).</param>
    public static WebApplication Build(string[] args, IEnumerable<KeyValuePair<string, string?>>? settings = null)
    {
        var builder = WebApplication.CreateBuilder(args);
        if (settings is not null)
        {
            builder.Configuration.AddInMemoryCollection(settings);
        }
        builder.AddPredictionApi();
        var app = builder.Build();
        app.MapPredictionApi();
        return app;
    }
}
