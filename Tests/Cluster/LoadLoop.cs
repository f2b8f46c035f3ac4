using System.Net;
using System.Net.Http.Json;

namespace Tests.Cluster;

/// <summary>
/// Clients sending requests continuously while a test changes the cluster; every non-200 answer or
/// transport error is recorded with its reason.
/// </summary>
internal sealed class LoadLoop : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private readonly List<string> _failures = [];
    private long _succeeded;

    public LoadLoop(HttpClient client, IReadOnlyList<string> texts, int workers = 4, int textsPerRequest = 4)
    {
        _workers = Enumerable.Range(0, workers).Select(w => Task.Run(() => RunAsync(client, texts, textsPerRequest, new Random(w)))).ToArray();
    }

    public long Succeeded => Interlocked.Read(ref _succeeded);

    public IReadOnlyList<string> Failures { get { lock (_failures) { return _failures.ToArray(); } } }

    /// <summary>Waits until <paramref name="more"/> further requests have succeeded (the load is really flowing).</summary>
    public async Task WaitForProgressAsync(int more, TimeSpan? timeout = null)
    {
        long target = Succeeded + more;
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (Succeeded < target)
        {
            Assert.True(DateTime.UtcNow < deadline, $"Load stalled at {Succeeded} requests; failures: {string.Join("; ", Failures.Take(5))}");
            await Task.Delay(20);
        }
    }

    public async Task<long> StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        return Succeeded;
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task RunAsync(HttpClient client, IReadOnlyList<string> texts, int perRequest, Random random)
    {
        while (!_stop.IsCancellationRequested)
        {
            var batch = Enumerable.Range(0, perRequest).Select(_ => texts[random.Next(texts.Count)]).ToArray();
            try
            {
                using var response = await client.PostAsJsonAsync("predict", new { text = batch });
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    Interlocked.Increment(ref _succeeded);
                    continue;
                }
                Record($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
            }
            catch (Exception e)
            {
                Record(e.GetType().Name + ": " + e.Message);
            }
        }
    }

    private void Record(string failure)
    {
        lock (_failures)
        {
            _failures.Add(failure);
        }
    }
}
