using System.Diagnostics.Metrics;
using PredictionCluster.Inference.Batching;

namespace Benchmarks;

/// <summary>
/// Totals of the batches the InferenceGrain ran, read from its own instruments (the figures an operator sees),
/// so the benchmark measures the service's batching without reaching into it.
/// </summary>
internal sealed class BatchRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private long _batches, _paddedTokens, _runTicks;

    /// <param name="meterFactory">The factory the engine's metrics were created by: only its meter is read, not
    /// those of other engines in the same process (tests run several at once).</param>
    public BatchRecorder(IMeterFactory meterFactory)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter.Scope, meterFactory)
                && instrument.Meter.Name == InferenceMetrics.MeterName
                && instrument.Name is "inference.batch.padded_tokens" or "inference.batch.duration")
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<int>((instrument, value, _, _) =>
        {
            Interlocked.Increment(ref _batches);
            Interlocked.Add(ref _paddedTokens, value);
        });
        _listener.SetMeasurementEventCallback<double>((instrument, value, _, _) =>
            Interlocked.Add(ref _runTicks, (long)(value * TimeSpan.TicksPerSecond)));
        _listener.Start();
    }

    public (long Batches, long PaddedTokens, double RunSeconds) Snapshot() =>
        (Interlocked.Read(ref _batches), Interlocked.Read(ref _paddedTokens), Interlocked.Read(ref _runTicks) / (double)TimeSpan.TicksPerSecond);

    public void Dispose() => _listener.Dispose();
}
