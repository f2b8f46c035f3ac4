namespace PredictionCluster.Api.Hosting;

/// <summary>
/// Keeps the API's Orleans client trying to reach a gateway for as long as the process lives. Orleans' default gives
/// up on the first failure and the host then fails to start, so an API started before its silos, or refused by them
/// (mutual TLS with the wrong certificate), crashed and was restarted with growing back-off. With this filter the
/// client keeps connecting while Kestrel serves: <c>/health/live</c> answers, <c>/health/ready</c> says no silo has
/// answered, and <c>/predict</c> answers 503 at once (see <see cref="Routing.ClusterModel"/>).
/// </summary>
public sealed partial class ClusterConnectionRetryFilter(ILogger<ClusterConnectionRetryFilter> logger, TimeProvider time) : IClientConnectionRetryFilter
{
    private static readonly TimeSpan RetryDelay = TimeSpan.FromSeconds(1);

    /// <summary>The failure is logged the first time and then at most this often, so a long outage does not flood the log.</summary>
    private static readonly TimeSpan LogInterval = TimeSpan.FromMinutes(1);

    private int _attempts;
    private long _lastLogged = long.MinValue;

    public async Task<bool> ShouldRetryConnectionAttempt(Exception exception, CancellationToken cancellationToken)
    {
        int attempts = Interlocked.Increment(ref _attempts);
        long now = time.GetTimestamp();
        long last = Interlocked.Read(ref _lastLogged);
        if (last == long.MinValue || time.GetElapsedTime(last, now) >= LogInterval)
        {
            Interlocked.Exchange(ref _lastLogged, now);
            LogCannotConnect(attempts, exception);
        }
        await Task.Delay(RetryDelay, time, cancellationToken);
        return true;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot connect to any silo gateway ({Attempts} attempts so far); retrying every second")]
    private partial void LogCannotConnect(int attempts, Exception exception);
}
