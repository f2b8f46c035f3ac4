using PredictionCluster.Api.Hosting;
using PredictionCluster.Grains.Hosting;

return await StartupGuard.RunAsync(() => ApiHost.Build(args));

/// <summary>Entry point; public so functional tests can start the API through WebApplicationFactory.</summary>
public partial class Program;
