using Grains.Hosting;
using Silo.Hosting;

namespace Silo;

/// <summary>A silo process: the model, the grains, the internal endpoint, membership.</summary>
public static class Program
{
    public static Task<int> Main(string[] args) => StartupGuard.RunAsync(SiloHost.Build(args));
}
