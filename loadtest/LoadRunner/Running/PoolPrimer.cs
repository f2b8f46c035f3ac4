using System.Diagnostics;
using LoadRunner.Measurement;
using LoadRunner.Workload;

namespace LoadRunner.Running;

/// <summary>Sends every pool body once, a few at a time, so that the repeated texts are cached before the load starts.</summary>
internal static class PoolPrimer
{
    public static Task RunAsync(PredictSender sender, IReadOnlyList<byte[]> poolBodies, int concurrency, RunStatistics statistics, CancellationToken stop)
    {
        int next = -1;
        async Task WorkerAsync()
        {
            int index;
            while (!stop.IsCancellationRequested && (index = Interlocked.Increment(ref next)) < poolBodies.Count)
            {
                var body = poolBodies[index];
                await sender.SendAsync(new RequestBody(body, body.Length, Rented: false), Stopwatch.GetTimestamp(), statistics).ConfigureAwait(false);
            }
        }
        return Task.WhenAll(Enumerable.Range(0, Math.Clamp(concurrency, 1, poolBodies.Count)).Select(_ => Task.Run(WorkerAsync)));
    }
}
