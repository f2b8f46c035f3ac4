using System.Diagnostics;
using PredictionCluster.Grains.Interfaces;
using Tests.Infrastructure;

namespace Tests.Cluster;

/// <summary>
/// Closed-loop clients calling the API's router until stopped: each request asks for a few texts, some
/// asked before (cached somewhere) and one new. Counts answered and failed requests and the slowest one.
/// </summary>
public sealed class LoadLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _clients;
    private readonly List<string> _failures = [];
    private long _answered;
    private long _slowestTicks;

    public LoadLoop(PredictionTestCluster cluster, int clients, string tag)
    {
        _clients = Enumerable.Range(0, clients).Select(c => Task.Run(() => RunAsync(cluster, $"{tag} {c}"))).ToArray();
    }

    public long Answered => Interlocked.Read(ref _answered);

    public TimeSpan Slowest => TimeSpan.FromTicks(Interlocked.Read(ref _slowestTicks));

    public IReadOnlyList<string> Failures { get { lock (_failures) { return [.. _failures]; } } }

    /// <summary>Waits until at least <paramref name="more"/> further requests were answered.</summary>
    public Task WaitForMoreAsync(long more, TimeSpan timeout)
    {
        long target = Answered + more;
        return WaitUntil.TrueAsync(() => Answered >= target || _clients.Any(c => c.IsCompleted), timeout, $"{more} more answered requests");
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
    }

    private async Task RunAsync(PredictionTestCluster cluster, string client)
    {
        var pool = Enumerable.Range(0, 20).Select(i => $"{client} pooled {i}").ToArray();
        for (int n = 0; !_stop.IsCancellationRequested; n++)
        {
            string[] texts = [pool[n % pool.Length], pool[(n * 7 + 3) % pool.Length], $"{client} new {n}"];
            long started = Stopwatch.GetTimestamp();
            try
            {
                var (_, results) = await cluster.Router.PredictAsync(texts, CancellationToken.None);
                if (results.Any(r => r.Status != PredictionStatus.Ok))
                {
                    Fail($"{client} #{n}: {string.Join(", ", results.Select(r => r.Status))}");
                    continue;
                }
                Interlocked.Increment(ref _answered);
            }
            catch (Exception e)
            {
                Fail($"{client} #{n}: {e.GetType().Name}: {e.Message}");
            }
            long elapsed = Stopwatch.GetElapsedTime(started).Ticks;
            long slowest;
            while (elapsed > (slowest = Interlocked.Read(ref _slowestTicks)) && Interlocked.CompareExchange(ref _slowestTicks, elapsed, slowest) != slowest)
            {
            }
        }
    }

    private void Fail(string failure)
    {
        lock (_failures)
        {
            _failures.Add(failure);
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_stop.IsCancellationRequested)
        {
            await StopAsync();
        }
        _stop.Dispose();
    }
}
