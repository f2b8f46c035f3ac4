using System.Diagnostics;
using System.Net.Http.Json;

namespace Tests.Chaos;

/// <summary>
/// An open loop of new texts: one request of one text every 1/rate seconds on a fixed timetable, whatever the answers
/// (a slow server does not slow the load down, so a stall shows as latency). Latency counts from the scheduled send
/// time; every text is new, so every request reaches the grains and most run the model.
/// </summary>
public sealed class OpenLoopLoad(Uri api, double rate, string tag)
{
    private static readonly TimeSpan RequestTimeout = TimeSpan.FromSeconds(30);

    // A load generator must never wait for a thread: a send or an answer queued behind a starved thread pool is a
    // tail the service did not cause. Runs of the chaos test showed exactly that (requests sent 0.6-0.9 s late while
    // the API's own timings were 10-70 ms; gone with a higher minimum), so the pool may grow at once, without its
    // starvation delay (about one thread per 0.5 s).
    private const int MinimumThreads = 32;

    /// <summary>Sends for <paramref name="duration"/>, then waits for every answer.</summary>
    public async Task<LoadWindow> RunAsync(TimeSpan duration)
    {
        ThreadPool.GetMinThreads(out int workers, out int completionPorts);
        ThreadPool.SetMinThreads(Math.Max(workers, MinimumThreads), Math.Max(completionPorts, MinimumThreads));
        using var http = new HttpClient { BaseAddress = api, Timeout = RequestTimeout };
        var startedAt = DateTime.UtcNow;
        var clock = Stopwatch.StartNew();
        var interval = TimeSpan.FromSeconds(1 / rate);
        var requests = new List<Task<RequestOutcome>>();
        for (int n = 0; ; n++)
        {
            var scheduled = interval * n;
            if (scheduled >= duration)
            {
                break;
            }
            var wait = scheduled - clock.Elapsed;
            if (wait > TimeSpan.Zero)
            {
                await Task.Delay(wait);
            }
            requests.Add(SendAsync(http, $"{tag} new text {n}: the film is neither good nor bad", scheduled, clock));
        }
        return new LoadWindow(await Task.WhenAll(requests), startedAt);
    }

    private static async Task<RequestOutcome> SendAsync(HttpClient http, string text, TimeSpan scheduled, Stopwatch clock)
    {
        await Task.Yield();
        var sendLag = clock.Elapsed - scheduled;
        try
        {
            using var response = await http.PostAsJsonAsync("predict", new { text = new[] { text } });
            string? failure = response.IsSuccessStatusCode ? null : $"{(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}";
            string? timing = response.Headers.TryGetValues("Server-Timing", out var values) ? string.Join(", ", values) : null;
            return new RequestOutcome(scheduled, clock.Elapsed - scheduled, failure, sendLag, timing);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return new RequestOutcome(scheduled, clock.Elapsed - scheduled, $"{e.GetType().Name}: {e.Message}", sendLag);
        }
    }
}
