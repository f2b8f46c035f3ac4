using OpenTelemetry;
using OpenTelemetry.Logs;

namespace PredictionCluster.Api.Payloads;

/// <summary>
/// Gives a payload record the time its request was answered: the writer logs it a moment later, and OpenTelemetry
/// stamps a record when it is logged. Runs before the exporter's batch processor, while the record's attributes are
/// still the <see cref="PayloadLogState"/> that was logged.
/// </summary>
internal sealed class PayloadTimestampProcessor : BaseProcessor<LogRecord>
{
    public override void OnEnd(LogRecord data)
    {
        if (data.Attributes is PayloadLogState state)
        {
            data.Timestamp = state.Time.UtcDateTime;
        }
    }
}
