namespace PredictionCluster.Api.Payloads;

/// <summary>
/// The payload log with an OTLP endpoint: each record is a log record of the category <see cref="Category"/>, which
/// OpenTelemetry's logger provider (and it alone) takes and exports in batches beside the traces and metrics
/// (<c>PredictionTelemetry.AddOtlpLogsOf</c>).
/// </summary>
public sealed class OtlpPayloadSink(ILoggerFactory loggers) : IPayloadSink
{
    /// <summary>The records' category: the OTLP scope name a collector can route them by.</summary>
    public const string Category = "PredictionCluster.PayloadLog";

    private static readonly EventId Payload = new(1, "PredictionPayload");

    private readonly ILogger _logger = loggers.CreateLogger(Category);

    public void Write(PayloadEntry entry) =>
        _logger.Log(LogLevel.Information, Payload, new PayloadLogState(entry), null, static (state, _) => state.ToString());

    // The exporter's batch processor sends on its own schedule, and flushes when the host disposes it.
    public void Flush()
    {
    }

    public void Dispose()
    {
    }
}
