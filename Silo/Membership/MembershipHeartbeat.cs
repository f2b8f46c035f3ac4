using Grains.Hosting;
using Grains.Membership;
using Microsoft.Extensions.Options;

namespace Silo.Membership;

/// <summary>
/// Keeps this silo's row in the member table: written once the server listens, renewed every heartbeat
/// interval. On shutdown, before the server stops, the silo marks itself Left (routers drop it at their
/// next read) and keeps serving for two refresh intervals so calls already routed to it still land;
/// then the host stops the server, which drains in-flight calls.
/// </summary>
public sealed partial class MembershipHeartbeat(
    IMembershipTable table,
    IOptions<MembershipOptions> membershipOptions,
    IOptions<SiloOptions> siloOptions,
    SiloReadiness readiness,
    TimeProvider time,
    ILogger<MembershipHeartbeat> logger) : IHostedLifecycleService, IDisposable
{
    private static readonly TimeSpan LeaveWriteTimeout = TimeSpan.FromSeconds(2);

    private readonly MembershipOptions _membership = membershipOptions.Value;
    private readonly CancellationTokenSource _stopping = new();
    private MembershipEntry? _entry;
    private Task _loop = Task.CompletedTask;

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Runs after every hosted service started, the server included: calls routed here will land.</summary>
    public Task StartedAsync(CancellationToken cancellationToken)
    {
        var silo = siloOptions.Value;
        var now = time.GetUtcNow();
        _entry = new MembershipEntry(silo.Id, silo.AdvertisedUrl!, now, now, MembershipStatus.Active);
        LogJoining(silo.Id, silo.AdvertisedUrl!);
        _loop = HeartbeatLoopAsync(_stopping.Token);
        return Task.CompletedTask;
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        if (_entry is null)
        {
            return;
        }
        readiness.MarkDraining();
        await _stopping.CancelAsync();
        await _loop;

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(LeaveWriteTimeout);
        try
        {
            await table.WriteAsync(_entry with { HeartbeatAt = time.GetUtcNow(), Status = MembershipStatus.Left }, timeout.Token);
        }
        catch (Exception e)
        {
            // Routers will drop this silo once its heartbeats stop; leaving only makes it faster.
            LogLeaveFailed(e);
        }
        var drain = _membership.RefreshInterval * 2;
        LogLeft(_entry.SiloId, drain.TotalMilliseconds);
        try
        {
            await Task.Delay(drain, time, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The host's shutdown budget ran out during the pause: stop serving now rather than abort the
            // process (an exception here would end it with a crash instead of a clean exit).
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private async Task HeartbeatLoopAsync(CancellationToken stopping)
    {
        bool failing = false;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                await table.WriteAsync(_entry! with { HeartbeatAt = time.GetUtcNow() }, stopping);
                if (failing)
                {
                    failing = false;
                    LogHeartbeatRecovered();
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                if (!failing)
                {
                    failing = true;
                    LogHeartbeatFailed(e);
                }
            }
            try
            {
                await Task.Delay(_membership.HeartbeatInterval, time, stopping);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    public void Dispose() => _stopping.Dispose();

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {SiloId} joining the cluster at {Endpoint}")]
    private partial void LogJoining(string siloId, string endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {SiloId} left the member table; serving calls already routed here for {DrainMs:F0} ms before stopping")]
    private partial void LogLeft(string siloId, double drainMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not mark this silo as left in the member table")]
    private partial void LogLeaveFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Heartbeat failed; retrying every interval (routers keep their last view meanwhile)")]
    private partial void LogHeartbeatFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Information, Message = "Heartbeat written again")]
    private partial void LogHeartbeatRecovered();
}
