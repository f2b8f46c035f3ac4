using Microsoft.Extensions.Options;

namespace PredictionCluster.Api.Payloads;

/// <summary>
/// The one reader of the payload log's queue: turns each record into its entry (the key's hash, the label) and hands
/// it to the sink, off the request threads. When the host stops, the queue is closed and what it holds is written
/// before the sink is disposed with the host's services (within the host's shutdown timeout).
/// </summary>
public sealed partial class PayloadLogWriter(PayloadLog log, IPayloadSink sink, PayloadLogMetrics metrics, IOptions<PayloadLogOptions> options,
    TimeProvider time, ILogger<PayloadLogWriter> logger) : BackgroundService
{
    // A broken file (disk full, permissions) fails every record: say so once a minute, count each.
    private static readonly TimeSpan FailureLogInterval = TimeSpan.FromMinutes(1);

    private readonly bool _includeText = options.Value.IncludeText;
    private long _lastFailureLogged = long.MinValue;

    // Not stopped by the token: the loop ends when StopAsync closes the queue and the last record is written. The
    // queue resumes its reader on the thread pool, never on the request thread that wrote.
    protected override Task ExecuteAsync(CancellationToken stoppingToken) => DrainAsync();

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        log.Complete();
        await base.StopAsync(cancellationToken);
    }

    private async Task DrainAsync()
    {
        var reader = log.Reader;
        while (await reader.WaitToReadAsync(CancellationToken.None))
        {
            while (reader.TryRead(out var record))
            {
                Write(record);
            }
            Flush();
        }
        Flush();
    }

    private void Write(PayloadRecord record)
    {
        try
        {
            sink.Write(PayloadEntry.From(record, _includeText));
            metrics.RecordWritten();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            metrics.RecordFailed();
            ReportFailure(e);
        }
    }

    private void Flush()
    {
        try
        {
            sink.Flush();
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            ReportFailure(e);
        }
    }

    private void ReportFailure(Exception e)
    {
        long now = time.GetTimestamp();
        if (_lastFailureLogged == long.MinValue || time.GetElapsedTime(_lastFailureLogged, now) >= FailureLogInterval)
        {
            _lastFailureLogged = now;
            LogWriteFailed(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The payload log could not be written; its records are dropped (counted in payload_log_records_total as failed)")]
    private partial void LogWriteFailed(Exception exception);
}
