using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Runtime.InteropServices;
using System.Text.Json;
using Tests.EndToEnd;
using Tests.Infrastructure;
using Tests.Metrics;

namespace Tests.Images;

/// <summary>
/// The published hosts run from the directory layout the images have (same paths, same ENV), as separate processes:
/// a silo with a real redis-server and the API in cluster mode, as the Helm chart runs them.
/// </summary>
public sealed class ImageLayoutTests(ImageLayoutFixture layouts) : IClassFixture<ImageLayoutFixture>
{
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// Where publish puts the Microsoft.ML.OnnxRuntime package's native library for this machine's architecture in this
    /// layout (published without a RID from the test run's build; the image, published for its RID, has it at
    /// /app/libonnxruntime.so: scripts/container-cluster.sh runs the real images).
    /// </summary>
    private static string OnnxRuntimeLibrary(ImageLayout layout) => Path.Combine(layout.WorkingDirectory, "runtimes",
        $"linux-{RuntimeInformation.OSArchitecture.ToString().ToLowerInvariant()}", "native", "libonnxruntime.so");

    [Fact]
    public void Layout_HoldsTheRuntimeTheModelAndTheEntryPoint_WhereTheImageEnvironmentSays()
    {
        foreach (var layout in new[] { layouts.Silo, layouts.Api })
        {
            var environment = layout.Environment();
            Assert.True(File.Exists(OnnxRuntimeLibrary(layout)), $"{layout.Stage.Name}: no ONNX Runtime at {OnnxRuntimeLibrary(layout)}");
            Assert.DoesNotContain("ORT_LIBRARY_PATH", environment.Keys);
            foreach (var file in new[] { "model.onnx", "vocab.txt", "config.json" })
            {
                Assert.True(File.Exists(Path.Combine(environment["Model__Path"], file)), $"{layout.Stage.Name}: no {file} in {environment["Model__Path"]}");
            }
            Assert.True(File.Exists(layout.EntryAssembly), $"{layout.Stage.Name}: no {layout.EntryAssembly}");
            Assert.True(File.Exists(Path.Combine(layout.WorkingDirectory, "appsettings.json")));
        }
    }

    [Fact]
    public async Task SiloAndClusterApi_StartedFromTheImageLayout_AnswerAPredictionAndTheirHealthChecksPass()
    {
        await using var redis = await RedisServer.StartAsync();
        string clusterId = "image-" + Guid.NewGuid().ToString("N")[..8];
        int siloHttp = FreePort.Reserve(), siloPort = FreePort.Reserve(), gatewayPort = FreePort.Reserve(), apiPort = FreePort.Reserve();

        // What the chart's ConfigMaps and pod spec add to the image's environment, on loopback ports.
        var siloEnvironment = layouts.Silo.Environment();
        siloEnvironment["Kestrel__Endpoints__Http__Url"] = $"http://127.0.0.1:{siloHttp}";
        siloEnvironment["Orleans__Name"] = "silo-0";
        siloEnvironment["Orleans__ClusterId"] = clusterId;
        siloEnvironment["Orleans__ServiceId"] = clusterId;
        siloEnvironment["Orleans__Endpoints__SiloPort"] = siloPort.ToString();
        siloEnvironment["Orleans__Endpoints__GatewayPort"] = gatewayPort.ToString();
        siloEnvironment["Orleans__Endpoints__AdvertisedIPAddress"] = "127.0.0.1";
        siloEnvironment["Storage__Provider"] = "Redis";
        siloEnvironment["Redis__Endpoint"] = redis.Endpoint;
        var apiEnvironment = layouts.Api.Environment();
        apiEnvironment["ASPNETCORE_HTTP_PORTS"] = apiPort.ToString();
        apiEnvironment["Cluster__Mode"] = "Redis";
        apiEnvironment["Orleans__ClusterId"] = clusterId;
        apiEnvironment["Orleans__ServiceId"] = clusterId;
        apiEnvironment["Redis__Endpoint"] = redis.Endpoint;

        var siloFiles = layouts.Silo.Snapshot();
        var apiFiles = layouts.Api.Snapshot();
        await using var silo = ServerProcess.Start(layouts.Silo.EntryAssembly, new Uri($"http://127.0.0.1:{siloHttp}/"), [], siloEnvironment);
        await using var api = ServerProcess.Start(layouts.Api.EntryAssembly, new Uri($"http://127.0.0.1:{apiPort}/"), [], apiEnvironment);
        Assert.True(await silo.WaitReadyAsync(ReadyTimeout), "silo not ready:\n" + silo.Output);
        Assert.True(await api.WaitReadyAsync(ReadyTimeout), "API not ready:\n" + api.Output + "\nsilo:\n" + silo.Output);
        // The ready silo has loaded and warmed the model: its ONNX Runtime is the package's copy in the image layout.
        Assert.Contains(OnnxRuntimeLibrary(layouts.Silo), LoadedOnnxRuntime(silo.ProcessId));

        using var http = new HttpClient { BaseAddress = api.Address, Timeout = TimeSpan.FromSeconds(30) };
        using var response = await http.PostAsJsonAsync("predict", new { text = new[] { "I love this film.", "I hate this film." } });
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}\n{api.Output}\n{silo.Output}");
        using var json = JsonDocument.Parse(body);
        var predictions = json.RootElement.GetProperty("predictions");
        Assert.Equal(2, predictions.GetArrayLength());
        Assert.Equal("POSITIVE", Top(predictions[0]));
        Assert.Equal("NEGATIVE", Top(predictions[1]));
        // Answered by the silo process through Orleans (the API in cluster mode loads no model), and stored in Redis.
        using (var siloClient = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{siloHttp}/") })
        {
            Assert.Equal(2, (await Scrape.FamiliesAsync(siloClient)).Family("inference_texts").Samples.Sum(s => s.Value));
        }
        Assert.Contains(clusterId, await redis.CliAsync("--scan"));

        Assert.Equal(0, await RunHealthCheckAsync(layouts.Silo, siloHttp));
        Assert.Equal(0, await RunHealthCheckAsync(layouts.Api, apiPort));

        // SIGTERM, as Kubernetes stops a pod: both drain and exit cleanly, having written nothing outside /tmp.
        Assert.Equal(0, await api.StopAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, await silo.StopAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(siloFiles, layouts.Silo.Snapshot());
        Assert.Equal(apiFiles, layouts.Api.Snapshot());
    }

    private static string[] LoadedOnnxRuntime(int processId) =>
        File.ReadLines($"/proc/{processId}/maps").Select(l => l.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .Where(f => f.Length >= 6 && f[5].Contains("libonnxruntime", StringComparison.Ordinal)).Select(f => f[5]).Distinct().ToArray();

    private static string Top(JsonElement labels) =>
        labels.EnumerateArray().MaxBy(l => l.GetProperty("score").GetSingle()).GetProperty("label").GetString()!;

    /// <summary>Runs the target's HEALTHCHECK command as Docker would, with its port 8080 moved to where the process listens.</summary>
    private static async Task<int> RunHealthCheckAsync(ImageLayout layout, int port)
    {
        var check = layout.Stage.All("HEALTHCHECK").Last().Arguments;
        int cmd = check.IndexOf("CMD ", StringComparison.Ordinal);
        var command = Dockerfile.ExecForm(check[(cmd + 4)..].Trim());
        var info = new ProcessStartInfo(command[0]) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in command[1..])
        {
            info.ArgumentList.Add(argument.Replace("/8080", $"/{port}", StringComparison.Ordinal));
        }
        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await process.WaitForExitAsync(timeout.Token);
        return process.ExitCode;
    }
}
