using System.Diagnostics;
using System.Net.Http.Json;

namespace Tests.EndToEnd;

/// <summary>
/// Closed-loop HTTP clients posting to <c>/predict</c> until stopped (a pooled text, a text asked before and a
/// new one per request). Records every failed request with the time it failed, so a test can tell how long
/// clients saw errors.
/// </summary>
public sealed class HttpLoad : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly HttpClient _http;
    private readonly Task[] _clients;
    private readonly List<(TimeSpan At, string What)> _failures = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private long _answered;

    public HttpLoad(Uri api, int clients, string tag)
    {
        _http = new HttpClient { BaseAddress = api, Timeout = TimeSpan.FromSeconds(60) };
        _clients = Enumerable.Range(0, clients).Select(c => Task.Run(() => RunAsync($"{tag} {c}"))).ToArray();
    }

    public long Answered => Interlocked.Read(ref _answered);

    public TimeSpan Elapsed => _clock.Elapsed;

    public IReadOnlyList<(TimeSpan At, string What)> Failures { get { lock (_failures) { return [.. _failures]; } } }

    public async Task WaitForMoreAsync(long more, TimeSpan timeout)
    {
        long target = Answered + more;
        var deadline = DateTime.UtcNow + timeout;
        while (Answered < target)
        {
            Assert.True(DateTime.UtcNow < deadline, $"fewer than {more} requests answered in {timeout.TotalSeconds:F0} s; failures: {Failures.Count}");
            await Task.Delay(50);
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
    }

    private async Task RunAsync(string client)
    {
        for (int n = 0; !_stop.IsCancellationRequested; n++)
        {
            var body = new { text = new[] { $"{client} pooled {n % 10}", $"{client} pooled {(n * 3 + 1) % 10}", $"{client} new {n}" } };
            try
            {
                using var response = await _http.PostAsJsonAsync("/predict", body);
                if (response.IsSuccessStatusCode)
                {
                    Interlocked.Increment(ref _answered);
                    continue;
                }
                Fail($"{client} #{n}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                Fail($"{client} #{n}: {e.GetType().Name}: {e.Message}");
            }
            await Task.Delay(10); // a failing cluster answers at once; do not spin
        }
    }

    private void Fail(string what)
    {
        lock (_failures)
        {
            _failures.Add((_clock.Elapsed, what));
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }
        _http.Dispose();
        _stop.Dispose();
    }
}
