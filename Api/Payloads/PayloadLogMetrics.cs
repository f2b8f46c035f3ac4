using System.Diagnostics.Metrics;

namespace PredictionCluster.Api.Payloads;

/// <summary>
/// What became of the payload log's records (<c>payload_log_records_total</c> by <c>outcome</c>): a log that drops
/// records under load must say so, or a team would read a skewed sample as the traffic.
/// </summary>
public sealed class PayloadLogMetrics
{
    public const string MeterName = "PredictionCluster.PayloadLog";

    private static readonly KeyValuePair<string, object?> Written = new("outcome", "written");
    private static readonly KeyValuePair<string, object?> RateLimited = new("outcome", "rate_limited");
    private static readonly KeyValuePair<string, object?> QueueFull = new("outcome", "queue_full");
    private static readonly KeyValuePair<string, object?> Failed = new("outcome", "failed");

    private readonly Counter<long> _records;

    public PayloadLogMetrics(IMeterFactory meterFactory)
    {
        _records = meterFactory.Create(MeterName).CreateCounter<long>("payload_log.records", "{record}",
            "Sampled texts of the payload log: written (a line of the file, or a log record handed to the OTLP exporter), rate_limited (over PayloadLog:MaxRecordsPerSecond), queue_full (the writer's queue was full, or the host was stopping), failed (the file could not be written)");
        // Every outcome exists from the start at 0, so that rate() sees the first one.
        _records.Add(0, Written);
        _records.Add(0, RateLimited);
        _records.Add(0, QueueFull);
        _records.Add(0, Failed);
    }

    public void RecordWritten() => _records.Add(1, Written);

    public void RecordRateLimited(int count) => _records.Add(count, RateLimited);

    public void RecordQueueFull() => _records.Add(1, QueueFull);

    public void RecordFailed() => _records.Add(1, Failed);
}
