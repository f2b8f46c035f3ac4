using System.Text.Json;
using Tests.EndToEnd;

namespace Tests.Hosting;

/// <summary>
/// The runtime settings the API and silo hosts are measured with (docs/performance.md) are in the runtimeconfig each
/// build writes beside the host, the file the container images run with too.
/// </summary>
public sealed class HostRuntimeConfigTests
{
    public static TheoryData<string> Hosts => new() { ServerProcess.ApiAssembly, ServerProcess.SiloAssembly };

    [Theory]
    [MemberData(nameof(Hosts))]
    public void Host_RunsServerGcWithoutDatas_AndAThreadPoolThatDoesNotSpin(string hostDll)
    {
        string path = Path.ChangeExtension(hostDll, ".runtimeconfig.json");
        using var config = JsonDocument.Parse(File.ReadAllText(path));
        var properties = config.RootElement.GetProperty("runtimeOptions").GetProperty("configProperties");

        Assert.True(properties.GetProperty("System.GC.Server").GetBoolean(), $"{path}: server GC");
        Assert.Equal(0, properties.GetProperty("System.GC.DynamicAdaptationMode").GetInt32());
        Assert.Equal(0, properties.GetProperty("System.Threading.ThreadPool.UnfairSemaphoreSpinLimit").GetInt32());
    }
}
