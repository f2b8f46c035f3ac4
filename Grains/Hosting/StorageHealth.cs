using Microsoft.Extensions.Logging;

namespace PredictionCluster.Grains.Hosting;

/// <summary>
/// Whether grain storage works, as the grains last saw it. Storage is a cache tier: when it fails the silo keeps
/// answering (from memory and inference) and readiness says Degraded; the first success after failures says
/// it is back. Each change is logged once, not each failure.
/// </summary>
public sealed partial class StorageHealth(ILogger<StorageHealth> logger)
{
    private int _failing;
    private volatile string? _lastError;

    public bool IsFailing => Volatile.Read(ref _failing) != 0;

    public string? LastError => _lastError;

    public void RecordFailure(Exception exception)
    {
        _lastError = exception.Message;
        if (Interlocked.Exchange(ref _failing, 1) == 0)
        {
            LogStorageFailing(exception);
        }
    }

    public void RecordSuccess()
    {
        if (Volatile.Read(ref _failing) != 0 && Interlocked.Exchange(ref _failing, 0) != 0)
        {
            LogStorageRecovered();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Grain storage is failing; answering from memory and inference until it works again")]
    private partial void LogStorageFailing(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Grain storage works again")]
    private partial void LogStorageRecovered();
}
