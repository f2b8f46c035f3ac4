using System.Collections.Concurrent;
using System.Net.Http.Json;

namespace Tests.Dashboard;

/// <summary>Workers posting texts from a fixed pool to <c>/predict</c> until disposed; counts answers and keeps failures.</summary>
internal sealed class PredictLoad : IAsyncDisposable
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _workers;
    private long _completed;

    public PredictLoad(HttpClient client, IReadOnlyList<string> texts, int workers)
    {
        _workers = Enumerable.Range(0, workers).Select(w => Task.Run(() => RunAsync(client, texts, w))).ToArray();
    }

    public long Completed => Interlocked.Read(ref _completed);

    public ConcurrentQueue<string> Failures { get; } = new();

    /// <summary><paramref name="count"/> texts of its own per call, e.g. <c>load-3-7</c>.</summary>
    public static string[] Texts(int count, string prefix) => Enumerable.Range(0, count).Select(i => $"{prefix} text {i}: quite a good film").ToArray();

    public async Task WaitForProgressAsync(long requests)
    {
        long target = Completed + requests;
        var deadline = DateTime.UtcNow + Patience;
        while (Completed < target)
        {
            Assert.True(DateTime.UtcNow < deadline, $"The load made {Completed} of {target} requests; failures: {string.Join("; ", Failures)}");
            Assert.True(Failures.IsEmpty, $"The load failed: {string.Join("; ", Failures)}");
            await Task.Delay(50);
        }
    }

    private async Task RunAsync(HttpClient client, IReadOnlyList<string> texts, int worker)
    {
        var random = new Random(worker);
        while (!_stop.IsCancellationRequested)
        {
            var batch = Enumerable.Range(0, 4).Select(_ => texts[random.Next(texts.Count)]).ToArray();
            try
            {
                using var response = await client.PostAsJsonAsync("predict", new { text = batch }, _stop.Token);
                if (!response.IsSuccessStatusCode)
                {
                    Failures.Enqueue($"{(int)response.StatusCode}: {await response.Content.ReadAsStringAsync()}");
                }
                Interlocked.Increment(ref _completed);
            }
            catch (OperationCanceledException) when (_stop.IsCancellationRequested)
            {
                return;
            }
            catch (HttpRequestException e)
            {
                Failures.Enqueue(e.Message);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_workers);
        _stop.Dispose();
    }
}
