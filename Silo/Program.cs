using PredictionCluster.Grains.Hosting;
using PredictionCluster.Silo.Hosting;

namespace PredictionCluster.Silo;

/// <summary>A silo process: an Orleans silo (Redis clustering and grain storage) with health, metrics and Orleans' dashboard over HTTP.</summary>
public static class Program
{
    public static Task<int> Main(string[] args) => StartupGuard.RunAsync(() => SiloHost.Build(args));
}
