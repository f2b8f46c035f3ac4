using System.Diagnostics.Metrics;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Grains.Membership;

/// <summary>
/// A router's view of the live members: re-reads the table every <see cref="MembershipOptions.RefreshInterval"/>
/// (or at once when asked) and publishes an immutable <see cref="MembershipSnapshot"/>.
/// </summary>
/// <remarks>
/// Liveness is judged on this process's clock: a member is alive while its heartbeat keeps changing
/// within <see cref="MembershipOptions.MemberTimeout"/>, so clock skew between machines does not matter
/// once a member has been seen. A row that vanishes (Redis restarted empty) keeps its member until the
/// timeout, by which time a live silo has written it again; a row marked Left drops its member at once.
/// While the table cannot be read, the last view stands: a Redis outage must not empty the cluster.
/// </remarks>
public sealed partial class MembershipView : BackgroundService
{
    public const string MeterName = "PredictionCluster.Membership";

    // Rows of silos dead or gone for this many timeouts are deleted from the table (housekeeping).
    private const int PruneAfterTimeouts = 12;

    private readonly IMembershipTable _table;
    private readonly MembershipOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<MembershipView> _logger;
    private readonly Dictionary<string, KnownMember> _known = [];
    private readonly SemaphoreSlim _wakeUp = new(0, 1);
    private readonly TaskCompletionSource _firstRead = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private volatile MembershipSnapshot _current = MembershipSnapshot.Empty;
    private bool _readFailing;

    public MembershipView(IMembershipTable table, IOptions<MembershipOptions> options, TimeProvider time, IMeterFactory meterFactory, ILogger<MembershipView> logger)
    {
        _table = table;
        _options = options.Value;
        _time = time;
        _logger = logger;
        meterFactory.Create(MeterName)
            .CreateObservableGauge("membership.size", () => _current.Members.Count, "{silo}", "Live silos in this process's membership view");
    }

    public MembershipSnapshot Current => _current;

    /// <summary>Completes once the table has been read successfully (readiness waits for it).</summary>
    public Task FirstRead => _firstRead.Task;

    /// <summary>Asks for a re-read now, e.g. after a silo could not be reached.</summary>
    public void RequestRefresh()
    {
        try
        {
            _wakeUp.Release();
        }
        catch (SemaphoreFullException)
        {
            // A refresh is already pending.
        }
    }

    /// <summary>Reads the table once and updates the view (the loop calls this; tests may too).</summary>
    public async Task RefreshAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<MembershipEntry> rows;
        try
        {
            rows = await _table.ReadAllAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            if (!_readFailing)
            {
                _readFailing = true;
                LogReadFailed(e, _current.Members.Count);
            }
            return;
        }

        var now = _time.GetUtcNow();
        if (_readFailing)
        {
            // Heartbeats could not land while the table was away: give every member a fresh timeout.
            _readFailing = false;
            foreach (var known in _known.Values)
            {
                known.LastChange = now;
            }
            LogReadRecovered();
        }

        List<string>? prune = null;
        foreach (var row in rows)
        {
            if (now - row.HeartbeatAt > _options.MemberTimeout * PruneAfterTimeouts)
            {
                (prune ??= []).Add(row.SiloId);
            }
            if (row.Status == MembershipStatus.Left)
            {
                _known.Remove(row.SiloId);
                continue;
            }
            if (!_known.TryGetValue(row.SiloId, out var known))
            {
                // First sight: trust the writer's clock once, so a stale row of a dead silo is not revived.
                _known[row.SiloId] = new KnownMember(row, row.HeartbeatAt < now ? row.HeartbeatAt : now);
            }
            else if (known.Entry.HeartbeatAt != row.HeartbeatAt || known.Entry.StartedAt != row.StartedAt)
            {
                known.Entry = row;
                known.LastChange = now;
            }
        }

        var live = new List<ClusterMember>(_known.Count);
        foreach (var (id, known) in _known.ToArray())
        {
            if (now - known.LastChange > _options.MemberTimeout)
            {
                _known.Remove(id);
                continue;
            }
            if (Uri.TryCreate(known.Entry.Endpoint, UriKind.Absolute, out var endpoint))
            {
                live.Add(new ClusterMember(id, endpoint));
            }
        }
        live.Sort(static (a, b) => string.CompareOrdinal(a.SiloId, b.SiloId));
        Publish(live);
        _firstRead.TrySetResult();

        if (prune is not null)
        {
            await _table.RemoveAsync(prune, cancellationToken).ConfigureAwait(false);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await RefreshAsync(stoppingToken).ConfigureAwait(false);
                await _wakeUp.WaitAsync(_options.RefreshInterval, stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e)
            {
                LogRefreshFailed(e);
                await Task.Delay(_options.RefreshInterval, _time, stoppingToken).ConfigureAwait(false);
            }
        }
    }

    private void Publish(List<ClusterMember> live)
    {
        var previous = _current;
        if (previous.Members.SequenceEqual(live))
        {
            return;
        }
        foreach (var member in live.Except(previous.Members))
        {
            LogJoined(member.SiloId, member.Endpoint);
        }
        foreach (var member in previous.Members.Except(live))
        {
            LogLeft(member.SiloId, member.Endpoint);
        }
        _current = new MembershipSnapshot(live, previous.Version + 1);
        LogChanged(live.Count, previous.Version + 1);
    }

    public override void Dispose()
    {
        _wakeUp.Dispose();
        base.Dispose();
    }

    private sealed class KnownMember(MembershipEntry entry, DateTimeOffset lastChange)
    {
        public MembershipEntry Entry { get; set; } = entry;

        public DateTimeOffset LastChange { get; set; } = lastChange;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {SiloId} at {Endpoint} is live")]
    private partial void LogJoined(string siloId, Uri endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Silo {SiloId} at {Endpoint} is gone (left or missed heartbeats)")]
    private partial void LogLeft(string siloId, Uri endpoint);

    [LoggerMessage(Level = LogLevel.Information, Message = "Membership changed: {Count} live silo(s), version {Version}")]
    private partial void LogChanged(int count, long version);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot read the member table; keeping the last view of {Count} silo(s)")]
    private partial void LogReadFailed(Exception exception, int count);

    [LoggerMessage(Level = LogLevel.Information, Message = "Member table readable again")]
    private partial void LogReadRecovered();

    [LoggerMessage(Level = LogLevel.Error, Message = "Membership refresh failed")]
    private partial void LogRefreshFailed(Exception exception);
}
