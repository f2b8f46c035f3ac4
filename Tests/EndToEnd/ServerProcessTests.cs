using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using Tests.Infrastructure;

namespace Tests.EndToEnd;

/// <summary>The service as a user runs it: its own process, real HTTP over loopback.</summary>
public sealed class ServerProcessTests
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Server_StartedAsProcess_AnswersPredictHealthAndDocs()
    {
        await using var server = ServerProcess.Start($"--Model:Path={RepositoryPaths.DefaultModel}");
        Assert.True(await server.WaitReadyAsync(StartTimeout), server.Output);
        using var http = new HttpClient { BaseAddress = server.Address };

        using var response = await http.PostAsJsonAsync("predict", new { text = new[] { "I love you.", "I hate you." } });
        var body = await response.Content.ReadFromJsonAsync<JsonElement>();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var predictions = body.GetProperty("predictions");
        Assert.Equal("POSITIVE", Top(predictions[0]));
        Assert.Equal("NEGATIVE", Top(predictions[1]));
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("docs/index.html")).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("health/live")).StatusCode);

        Assert.Equal(0, await server.StopAsync(TimeSpan.FromSeconds(30)));
    }

    [Fact]
    public async Task Server_UnderLoadWhenStopped_FinishesInFlightRequestsAndExitsCleanly()
    {
        await using var server = ServerProcess.Start($"--Model:Path={RepositoryPaths.DefaultModel}");
        Assert.True(await server.WaitReadyAsync(StartTimeout), server.Output);
        using var http = new HttpClient { BaseAddress = server.Address };
        var texts = Sst2.DevSentences.Take(128).ToArray();

        var inFlight = Enumerable.Range(0, 8).Select(i => http.PostAsJsonAsync("predict", new { text = texts.Skip(i * 16).Take(16) })).ToArray();
        await Task.Delay(20);
        int exitCode = await server.StopAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(0, exitCode);
        foreach (var request in inFlight)
        {
            // Each request either completed with an answer or was refused before it was accepted; none half-answered.
            try
            {
                using var response = await request;
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
            catch (HttpRequestException)
            {
            }
        }
    }

    [Fact]
    public async Task ClusterApi_WithNoSiloToConnectTo_ServesUnready_AndExitsCleanlyOnSigterm()
    {
        await using var redis = await RedisServer.StartAsync();
        string clusterId = "lonely-" + Guid.NewGuid().ToString("N")[..8];
        var address = new Uri($"http://127.0.0.1:{FreePort.Reserve()}/");
        await using var api = ServerProcess.Start(ServerProcess.ApiAssembly, address, ["--urls", address.ToString().TrimEnd('/')], new Dictionary<string, string>
        {
            ["Cluster__Mode"] = "Redis",
            ["Redis__Endpoint"] = redis.Endpoint,
            ["Orleans__ClusterId"] = clusterId,
            ["Orleans__ServiceId"] = clusterId,
        });
        using var http = new HttpClient { BaseAddress = address, Timeout = TimeSpan.FromSeconds(10) };
        await WaitUntil.TrueAsync(async () =>
        {
            Assert.False(api.HasExited, "the API exited without a silo:\n" + api.Output);
            try
            {
                return (await http.GetAsync("health/live")).IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, StartTimeout, "the API to answer /health/live");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, (await http.GetAsync("health/ready")).StatusCode);

        // Its host is still starting (the client waits for a gateway): SIGTERM must end it as a normal stop.
        Assert.Equal(0, await api.StopAsync(TimeSpan.FromSeconds(30)));
        Assert.True(await api.WaitForExitAsync(TimeSpan.FromSeconds(5)));
        Assert.DoesNotContain("Unhandled exception", api.Output);
    }

    [Fact]
    public async Task Server_ReadinessAskedWhileDraining_503_AndTheStopLogsNothingAtError()
    {
        await using var server = ServerProcess.Start($"--Model:Path={RepositoryPaths.LexiconModel}");
        Assert.True(await server.WaitReadyAsync(StartTimeout), server.Output);
        using var http = new HttpClient { BaseAddress = server.Address, Timeout = TimeSpan.FromSeconds(10) };
        // A probe whose head is half sent when SIGTERM comes: Kestrel finishes a request it has begun to parse, even once
        // it accepts no more connections, so the probe is answered by a draining server (as a probe in flight is).
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await probe.ConnectAsync(server.Address.Host, server.Address.Port);
        await probe.SendAsync("GET /health/ready HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n"u8.ToArray());
        // An answer on another connection: the server has had its turn to read the half-sent head.
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync("health/live")).StatusCode);

        server.Terminate();
        // Refused connections: Kestrel is stopping, so the host has said it is stopping.
        await WaitUntil.TrueAsync(async () =>
        {
            using var attempt = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            try
            {
                await attempt.ConnectAsync(server.Address.Host, server.Address.Port);
                return false;
            }
            catch (SocketException)
            {
                return true;
            }
        }, TimeSpan.FromSeconds(30), "the stopping server to refuse new connections");
        await probe.SendAsync("\r\n"u8.ToArray());
        var answer = await ReadToCloseAsync(probe, TimeSpan.FromSeconds(30));

        Assert.True(answer.Status == 503, $"{answer}\n{server.Output}");
        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(60)), server.Output);
        Assert.Equal(0, server.ExitCode);
        Assert.Contains("Application is shutting down", server.Output);
        string[] errors = [.. server.Output.Split('\n').Where(l => l.Contains("fail:") || l.Contains("crit:"))];
        Assert.True(errors.Length == 0, string.Join('\n', errors));
    }

    [Fact]
    public async Task Server_MissingModel_ExitsNonZeroWithClearMessage()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"no-model-{Guid.NewGuid()}");
        await using var server = ServerProcess.Start($"--Model:Path={missing}");

        // Exited is not enough: the last lines of redirected output may still be on their way.
        Assert.True(await server.WaitForExitAsync(StartTimeout), "the server must not start without a model");
        Assert.NotEqual(0, server.ExitCode);
        Assert.Contains("startup failed", server.Output);
        Assert.Contains(missing, server.Output);
    }

    [Fact]
    public async Task Server_CorruptModelFile_ExitsWithOneAndOneLineFromOnnxRuntime()
    {
        string directory = Directory.CreateTempSubdirectory("corrupt-model-").FullName;
        try
        {
            foreach (var file in Directory.GetFiles(RepositoryPaths.DefaultModel))
            {
                File.Copy(file, Path.Combine(directory, Path.GetFileName(file)));
            }
            string model = Path.Combine(directory, "model.onnx");
            File.WriteAllBytes(model, "this is not a protobuf"u8.ToArray());
            await using var server = ServerProcess.Start($"--Model:Path={directory}");

            Assert.True(await server.WaitForExitAsync(StartTimeout), "the server must not start with a corrupt model");
            Assert.Equal(1, server.ExitCode);
            var line = Assert.Single(server.Output.Split('\n'), l => l.Contains("startup failed", StringComparison.Ordinal));
            Assert.Contains($"{model}: ONNX Runtime cannot load it", line);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static async Task<RawHttpResponse> ReadToCloseAsync(Socket socket, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        var received = new MemoryStream();
        var buffer = new byte[4096];
        try
        {
            int read;
            while ((read = await socket.ReceiveAsync(buffer, SocketFlags.None, deadline.Token)) > 0)
            {
                received.Write(buffer, 0, read);
            }
            return RawHttpResponse.Parse(received.ToArray(), null);
        }
        catch (Exception e) when (e is SocketException or OperationCanceledException)
        {
            return RawHttpResponse.Parse(received.ToArray(), e.Message);
        }
    }

    private static string Top(JsonElement prediction) =>
        prediction.EnumerateArray().MaxBy(p => p.GetProperty("score").GetDouble()).GetProperty("label").GetString()!;
}
