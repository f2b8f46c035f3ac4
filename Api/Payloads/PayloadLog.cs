using System.Threading.Channels;
using PredictionCluster.Grains.Interfaces;
using Microsoft.Extensions.Options;

namespace PredictionCluster.Api.Payloads;

/// <summary>
/// The request's side of the payload log: decides once per answered request whether it is sampled, takes a token per
/// text from the rate budget, and queues one record per text for <see cref="PayloadLogWriter"/>. Never waits: a full
/// queue drops the record and counts it. Off (the default), <see cref="IsEnabled"/> is false and nothing else runs.
/// </summary>
public sealed class PayloadLog
{
    private readonly double _sampleRate;
    private readonly Channel<PayloadRecord>? _queue;
    private readonly RecordBudget? _budget;
    private readonly PayloadLogMetrics? _metrics;
    private readonly TimeProvider _time;

    /// <param name="metrics">Registered only when the log is on (off, <c>/metrics</c> shows nothing of it).</param>
    public PayloadLog(IOptions<PayloadLogOptions> options, TimeProvider time, PayloadLogMetrics? metrics = null)
    {
        var settings = options.Value;
        _sampleRate = settings.SampleRate;
        _time = time;
        if (IsEnabled)
        {
            _queue = Channel.CreateBounded<PayloadRecord>(new BoundedChannelOptions(settings.QueueCapacity)
            {
                // Wait mode makes TryWrite answer false when full (the drop is then ours to count); nothing ever waits.
                FullMode = BoundedChannelFullMode.Wait,
                SingleReader = true,
            });
            _budget = new RecordBudget(settings.MaxRecordsPerSecond, time);
            _metrics = metrics ?? throw new InvalidOperationException("The payload log is on but its metrics are not registered.");
        }
    }

    /// <summary>A sample rate above 0 is configured.</summary>
    public bool IsEnabled => _sampleRate > 0;

    /// <summary>The records for the writer (only when enabled).</summary>
    internal ChannelReader<PayloadRecord> Reader => _queue?.Reader ?? throw new InvalidOperationException("The payload log is off.");

    /// <summary>
    /// An answered request: its distinct <paramref name="texts"/> with their <paramref name="results"/> (same order),
    /// answered by <paramref name="model"/> in <paramref name="latency"/>. Recorded when the request is sampled.
    /// </summary>
    public void Record(ModelDescriptor model, IReadOnlyList<string> texts, ReadOnlySpan<PredictionResult> results, TimeSpan latency)
    {
        if (_queue is null || !(_sampleRate >= 1 || Random.Shared.NextDouble() < _sampleRate))
        {
            return;
        }
        int granted = _budget!.Take(texts.Count);
        if (granted < texts.Count)
        {
            _metrics!.RecordRateLimited(texts.Count - granted);
        }
        var time = _time.GetUtcNow();
        for (int i = 0; i < granted; i++)
        {
            if (!_queue.Writer.TryWrite(new PayloadRecord(time, model, texts[i], results[i].Scores, results[i].Source, latency, _sampleRate)))
            {
                _metrics!.RecordQueueFull();
            }
        }
    }

    /// <summary>No more records: the writer drains what is queued and stops; records offered later are dropped.</summary>
    internal void Complete() => _queue?.Writer.TryComplete();
}
