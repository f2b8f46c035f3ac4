using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Tests.EndToEnd;
using Xunit.Abstractions;

namespace Tests.Fuzz;

/// <summary>
/// Thousands of generated hostile requests against the real server process: every one is answered 200 or 4xx
/// (never 5xx, never a dropped connection), or exactly the status its kind calls for (415 for a compressed body or a
/// repeated Content-Type parameter, 408 for a stalled body, no answer for one half-closed mid-body), nothing is logged
/// at Error, and an ordinary request is served after.
/// FUZZ_REQUESTS (default 10,000) and FUZZ_SEED (default: random, printed) set the run; a failure prints the seed,
/// the request's index and bytes, so FUZZ_SEED=s replays it.
/// </summary>
public sealed class HostileRequestFuzzTests(FuzzServerFixture fixture, ITestOutputHelper output) : IClassFixture<FuzzServerFixture>
{
    private const int DefaultRequests = 10_000;
    // Many requests wait rather than work (pauses between pieces, bodies that stall until Kestrel's 5 s timeout):
    // with 8 at a time they held the slots and 10,000 took about 140 s here; with 32 the server's CPU is the bound,
    // and with the lexicon model (FuzzServerFixture) that CPU goes to request handling, which is what is fuzzed.
    private const int Concurrency = 32;
    private const int FailuresReported = 5;
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Predict_HostileRequests_AnsweredOkOr4xxAndTheServerServesOn()
    {
        int count = EnvironmentInt("FUZZ_REQUESTS") ?? DefaultRequests;
        int seed = EnvironmentInt("FUZZ_SEED") ?? Random.Shared.Next();
        output.WriteLine($"FUZZ_SEED={seed} FUZZ_REQUESTS={count}");
        var failures = new ConcurrentQueue<string>();
        var statuses = new ConcurrentDictionary<int, int>();
        var timings = new ConcurrentDictionary<string, (int Count, TimeSpan Total)>();
        var watch = Stopwatch.StartNew();

        // Bodies below the minimum data rate run alongside the rest (each takes Kestrel's 5 s grace period).
        var slow = HostileRequestGenerator.TooSlow().Select(r => SendAsync(r, r.Kind, seed, failures, statuses, timings));
        await Task.WhenAll([.. slow, Parallel.ForAsync(0, count, new ParallelOptions { MaxDegreeOfParallelism = Concurrency }, async (index, _) =>
            await SendAsync(HostileRequestGenerator.Generate(seed, index), $"request {index}", seed, failures, statuses, timings))]);

        output.WriteLine($"{count} requests in {watch.Elapsed.TotalSeconds:F1} s; statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{s.Key} x{s.Value}"))}");
        // Where the time goes, for when the run gets slow: requests that wait on purpose (pauses, Kestrel's timeouts)
        // and valid ones that run the model dominate.
        foreach (var (kind, (n, total)) in timings.OrderByDescending(t => t.Value.Total))
        {
            output.WriteLine($"  {kind}: {n} requests, {total.TotalMilliseconds / n:F0} ms each");
        }
        Assert.True(failures.IsEmpty, $"FUZZ_SEED={seed}: {failures.Count} bad answer(s); the first:\n\n{string.Join("\n\n", failures.Take(FailuresReported))}");
        Assert.False(fixture.Server.HasExited, fixture.Server.Output);
        using var http = new HttpClient { BaseAddress = fixture.Server.Address };
        using var ordinary = await http.PostAsJsonAsync("predict", new { text = new[] { "still answering after the storm" } });
        Assert.Equal(HttpStatusCode.OK, ordinary.StatusCode);
        Assert.True(fixture.ErrorLines.Length == 0, $"FUZZ_SEED={seed}: the server logged errors for client input:\n{string.Join('\n', fixture.ErrorLines.Take(FailuresReported))}");
    }

    private async Task SendAsync(HostileRequest request, string name, int seed, ConcurrentQueue<string> failures, ConcurrentDictionary<int, int> statuses,
        ConcurrentDictionary<string, (int Count, TimeSpan Total)> timings)
    {
        long started = Stopwatch.GetTimestamp();
        var response = await RawHttp.SendAsync(fixture.Server.Address, request.Pieces, request.Pause, RequestTimeout, request.HalfClose);
        var took = Stopwatch.GetElapsedTime(started);
        timings.AddOrUpdate(request.Kind, (1, took), (_, t) => (t.Count + 1, t.Total + took));
        statuses.AddOrUpdate(response.Status ?? 0, 1, static (_, n) => n + 1);
        // A reset or a timeout is a failure even after a status line: the server must answer and close in order.
        if (!request.IsAnsweredBy(response))
        {
            failures.Enqueue($"FUZZ_SEED={seed} {name}: {Cut(response.ToString())}\n{request.Describe()}");
        }
    }

    private static string Cut(string text) => text.Length <= 1_000 ? text : text[..1_000] + "...";

    private static int? EnvironmentInt(string name) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), out int value) ? value : null;
}
