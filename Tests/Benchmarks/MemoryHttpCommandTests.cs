using Benchmarks;
using Tests.EndToEnd;
using Tests.Infrastructure;

namespace Tests.Benchmarks;

/// <summary>
/// <c>memory-http</c> against the API as its own process (real Kestrel, the lexicon model): the texts it streams are
/// all new to the service, every one is answered, and the summary holds the figures <c>scripts/bench.sh</c> tabulates.
/// </summary>
public sealed class MemoryHttpCommandTests
{
    [Fact]
    public async Task SmallStream_EveryTextIsNewAndAnswered_TenRssSamples()
    {
        await using var server = ServerProcess.Start($"--Model:Path={RepositoryPaths.LexiconModel}", "--Logging:LogLevel:Default=Warning");
        Assert.True(await server.WaitReadyAsync(TimeSpan.FromSeconds(60)), server.Output);

        var (exitCode, output, error) = BenchmarkCommand.Run(
            "memory-http", "--url", server.Address.ToString(), "--pid", server.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--texts", "3000", "--texts-per-request", "100", "--concurrency", "4", "--json");

        Assert.True(exitCode == 0, error + output);
        using var summary = BenchmarkCommand.ParseSummary(output);
        var root = summary.RootElement;
        Assert.Equal(3000, root.GetProperty("texts").GetInt32());
        Assert.Equal(0, root.GetProperty("failedRequests").GetInt64());
        Assert.Empty(root.GetProperty("errorsByStatus").EnumerateObject());
        Assert.Equal([300L, 600, 900, 1200, 1500, 1800, 2100, 2400, 2700, 3000], root.GetProperty("sampleTexts").EnumerateArray().Select(t => t.GetInt64()));
        var rss = root.GetProperty("rssMegabytes").EnumerateArray().Select(r => r.GetDouble()).ToArray();
        Assert.Equal(10, rss.Length);
        Assert.All(rss, megabytes => Assert.InRange(megabytes, 20, 4096));
        // Shorter than a million texts: the level is the first sample's.
        Assert.Equal(300, root.GetProperty("levelTexts").GetInt64());
        Assert.Equal(rss[0], root.GetProperty("levelAfterFirstMillion").GetDouble());
        double expectedDeviation = rss.Skip(1).Max(r => Math.Abs(r / rss[0] - 1) * 100);
        Assert.Equal(Math.Round(expectedDeviation, 1), root.GetProperty("maxDeviationPercent").GetDouble(), 0.11);
        Assert.True(root.GetProperty("textsPerSecond").GetDouble() > 0);

        // Every text was new to the service: one PredictionGrain activated per text (its own Orleans metric).
        Assert.Equal(3000, await PredictionActivationsAsync(server));
        // The service's RSS, not this test process's: .NET's own reading of the server process agrees with the last sample.
        using var process = System.Diagnostics.Process.GetProcessById(server.ProcessId);
        Assert.InRange(process.WorkingSet64 / 1048576.0, rss[^1] * 0.5, rss[^1] * 2);
    }

    [Fact]
    public void NoSuchProcess_ExitsWith1AndNamesIt()
    {
        // A pid past the kernel's limit (pid_max is at most 2^22) is never in use.
        var (exitCode, _, error) = BenchmarkCommand.Run("memory-http", "--url", "http://127.0.0.1:9/", "--pid", "99999999", "--texts", "10");

        Assert.Equal(BenchmarkCli.Failed, exitCode);
        Assert.Contains("99999999", error);
    }

    private static async Task<long> PredictionActivationsAsync(ServerProcess server)
    {
        using var http = new HttpClient { BaseAddress = server.Address };
        string metrics = await http.GetStringAsync("metrics");
        var line = metrics.Split('\n').Single(l => l.StartsWith("orleans_catalog_activation_created_total{", StringComparison.Ordinal) && l.Contains("grain_type=\"prediction\""));
        return long.Parse(line[(line.LastIndexOf(' ') + 1)..], System.Globalization.CultureInfo.InvariantCulture);
    }
}
