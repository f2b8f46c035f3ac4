using System.Net.Http.Json;
using System.Text.Json;
using LoadRunner;
using LoadRunner.Bare;
using Microsoft.AspNetCore.Builder;
using Tests.Infrastructure;
using Xunit.Abstractions;

namespace Tests.LoadTest;

/// <summary>The runner against the bare endpoint, a scripted one and nothing at all, in both modes.</summary>
[Collection(LoadRunnerCollection.Name)]
public sealed class LoadRunnerEndToEndTests(ITestOutputHelper log)
{
    [Fact]
    public async Task ServeBare_ClosedLoop_SummaryOfErrorFreeRun()
    {
        string url = $"http://127.0.0.1:{FreePort.Reserve()}";
        using var stopServer = new CancellationTokenSource();
        var server = LoadRunnerCommand.RunAsync(["serve-bare", "--urls", url], TextWriter.Null, TextWriter.Null, stopServer.Token);
        await WaitUntilAnsweringAsync(url);

        var run = await LoadRunnerInvocation.RunAsync("--url", url, "--vus", "4", "--duration", "1s", "--warmup", "300ms", "--cache-rate", "0.5");
        await stopServer.CancelAsync();
        log.WriteLine(run.Output);

        Assert.Equal(LoadRunnerCommand.Completed, run.ExitCode);
        Assert.Equal(LoadRunnerCommand.Completed, await server);
        Assert.Equal("closed", run.Summary.GetProperty("mode").GetString());
        Assert.Equal(4, run.Long("vus"));
        Assert.True(run.Long("requests") > 0);
        Assert.Equal(run.Long("requests"), run.Long("completed"));
        Assert.Equal(0, run.Long("errors"));
        Assert.Empty(run.Summary.GetProperty("errors_by_status").EnumerateObject());
        Assert.True(run.Double("rps") > 0);
        Assert.InRange(run.Double("p50_ms"), 0, run.Double("p99_ms"));
        Assert.InRange(run.Double("p99_ms"), run.Double("p50_ms"), run.Double("max_ms"));
        Assert.Equal(JsonValueKind.Null, run.Summary.GetProperty("hit_ratio").ValueKind); // the bare server sends no X-Cache
        Assert.Equal(JsonValueKind.Null, run.Summary.GetProperty("late").ValueKind);
        Assert.Equal(JsonValueKind.Null, run.Summary.GetProperty("send_lag_p99_ms").ValueKind);
        Assert.Contains("priming    100 requests, 0 errors", run.Output);
    }

    [Fact]
    public async Task BareServer_OpenLoop_EveryScheduledRequestSentAndAnswered()
    {
        await using var server = BareServer.Build(["http://127.0.0.1:0"]);
        await server.StartAsync();

        var run = await LoadRunnerInvocation.RunAsync("--url", server.Urls.First(), "--rate", "400", "--duration", "1s", "--warmup", "200ms", "--no-prime");
        log.WriteLine(run.Output);

        Assert.Equal(LoadRunnerCommand.Completed, run.ExitCode);
        Assert.Equal("open", run.Summary.GetProperty("mode").GetString());
        Assert.InRange(run.Long("requests"), 399, 401); // the timetable, not the server, decides how many
        Assert.Equal(run.Long("requests"), run.Long("completed"));
        Assert.Equal(0, run.Long("errors"));
        Assert.Equal(0, run.Long("dropped"));
        Assert.InRange(run.Double("rps"), 300, 500);
        Assert.InRange(run.Double("send_lag_p50_ms"), 0, run.Double("send_lag_p99_ms"));
    }

    [Fact]
    public async Task BareServerHttp2_Http2Run_ErrorFree()
    {
        await using var server = BareServer.Build(["http://127.0.0.1:0"], http2: true);
        await server.StartAsync();

        var run = await LoadRunnerInvocation.RunAsync("--url", server.Urls.First(), "--http2", "--vus", "4", "--duration", "500ms", "--warmup", "0");

        Assert.Equal("2", run.Summary.GetProperty("http").GetString());
        Assert.True(run.Long("completed") > 0);
        Assert.Equal(0, run.Long("errors"));
    }

    [Fact]
    public async Task NothingListening_ErrorsByExceptionAndFailOnErrorsExitCode1()
    {
        string url = $"http://127.0.0.1:{FreePort.Reserve()}";

        var failing = await LoadRunnerInvocation.RunAsync("--url", url, "--vus", "2", "--duration", "500ms", "--warmup", "0", "--fail-on-errors");
        var reporting = await LoadRunnerInvocation.RunAsync("--url", url, "--rate", "200", "--duration", "500ms", "--warmup", "0", "--no-prime");
        log.WriteLine(failing.Output);

        Assert.Equal(LoadRunnerCommand.RequestsFailed, failing.ExitCode);
        Assert.Equal(LoadRunnerCommand.Completed, reporting.ExitCode); // failed requests are reported, not fatal
        foreach (var run in new[] { failing, reporting })
        {
            Assert.True(run.Long("errors") > 0);
            Assert.Equal(run.Long("requests"), run.Long("errors"));
            Assert.Equal(0, run.Long("completed"));
            Assert.Equal(run.Long("errors"), run.Summary.GetProperty("errors_by_exception").GetProperty("connection_refused").GetInt64());
            Assert.Equal(0, run.Double("p99_ms"));
        }
        Assert.Contains("connection_refused", failing.Output.Split('\n').Single(l => l.StartsWith("errors ", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task XCacheHeader_CountedIntoHitRatio_AndTheMissesLatencyReportedApart()
    {
        // Hit exactly when the request carries no new text (new texts end in JSON-escaped whitespace: \t, \n, \r).
        // A miss takes 30 ms more, as a computed text would.
        await using var server = await ScriptedPredictServer.StartAsync(async (context, body) =>
        {
            bool miss = body.Contains((byte)'\\');
            context.Response.Headers["X-Cache"] = miss ? "miss" : "hit";
            if (miss)
            {
                await Task.Delay(30);
            }
            await ScriptedPredictServer.WriteAnswerAsync(context);
        });

        var run = await LoadRunnerInvocation.RunAsync("--url", server.Url, "--vus", "2", "--duration", "1s", "--warmup", "0", "--cache-rate", "0.5", "--texts-per-request", "3");
        log.WriteLine(run.Output);

        Assert.Equal(0, run.Long("errors"));
        Assert.Equal(run.Long("completed"), run.Long("cache_hits") + run.Long("cache_misses"));
        Assert.InRange(run.Double("hit_ratio"), 0.3, 0.7);
        Assert.Contains("hit ratio", run.Output);
        Assert.InRange(run.Double("miss_p50_ms"), 30, 1000);
        Assert.True(run.Double("miss_p99_ms") >= run.Double("miss_p50_ms"));
        Assert.Contains("misses     latency p50", run.Output);
    }

    [Fact]
    public async Task DefaultTexts_FoundInRepository()
    {
        await using var server = BareServer.Build(["http://127.0.0.1:0"]);
        await server.StartAsync();
        var output = new StringWriter();

        int exitCode = await LoadRunnerCommand.RunAsync(["--url", server.Urls.First(), "--vus", "1", "--duration", "200ms", "--warmup", "0", "--no-prime"],
            output, TextWriter.Null, CancellationToken.None);

        Assert.Equal(LoadRunnerCommand.Completed, exitCode);
        Assert.Contains(Path.Combine("eval", "data", "sst2", "dev.tsv"), output.ToString());
    }

    private static async Task WaitUntilAnsweringAsync(string url)
    {
        using var client = new HttpClient { BaseAddress = new Uri(url) };
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                using var response = await client.PostAsJsonAsync("/predict", new { text = new[] { "ready?" } });
                if (response.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // Not listening yet.
            }
            await Task.Delay(50);
        }
    }
}
