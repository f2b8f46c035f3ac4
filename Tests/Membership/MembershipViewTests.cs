using Grains.Membership;
using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Tests.Membership;

/// <summary>
/// How a router judges liveness from the member table: on its own clock, keeping its view through a table
/// outage or a wiped table, dropping a member at once when it leaves.
/// </summary>
public sealed class MembershipViewTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(5);

    private readonly ManualClock _clock = new(new DateTimeOffset(2026, 11, 23, 12, 0, 0, TimeSpan.Zero));
    private readonly ScriptedTable _table = new();
    private readonly MembershipView _view;

    public MembershipViewTests()
    {
        var options = Options.Create(new MembershipOptions { MemberTimeout = Timeout });
        _view = new MembershipView(_table, options, _clock, new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>(), NullLogger<MembershipView>.Instance);
    }

    [Fact]
    public async Task Members_that_heartbeat_are_live_in_id_order()
    {
        _table.Write(Row("silo-b"), Row("silo-a"));
        await _view.RefreshAsync(CancellationToken.None);

        Assert.Equal(["silo-a", "silo-b"], Ids());
        Assert.Equal(1, _view.Current.Version);
        Assert.True(_view.FirstRead.IsCompleted);
    }

    [Fact]
    public async Task A_member_whose_heartbeat_stops_is_dropped_after_the_timeout_on_the_readers_clock()
    {
        _table.Write(Row("silo-a"), Row("silo-b"));
        await _view.RefreshAsync(CancellationToken.None);

        // silo-b's clock is far behind; what counts is that its heartbeat keeps changing.
        for (int i = 0; i < 4; i++)
        {
            _clock.Advance(TimeSpan.FromSeconds(2));
            _table.Write(Row("silo-a"), Row("silo-b", heartbeat: _clock.GetUtcNow() - TimeSpan.FromHours(1) + TimeSpan.FromSeconds(i)));
            await _view.RefreshAsync(CancellationToken.None);
        }
        Assert.Equal(["silo-a", "silo-b"], Ids());

        _clock.Advance(TimeSpan.FromSeconds(4));
        _table.Write(Row("silo-a"));
        await _view.RefreshAsync(CancellationToken.None);
        Assert.Equal(["silo-a", "silo-b"], Ids());

        _clock.Advance(TimeSpan.FromSeconds(2));
        _table.Write(Row("silo-a"));
        await _view.RefreshAsync(CancellationToken.None);
        Assert.Equal(["silo-a"], Ids());
    }

    [Fact]
    public async Task A_member_that_left_is_dropped_at_once()
    {
        _table.Write(Row("silo-a"), Row("silo-b"));
        await _view.RefreshAsync(CancellationToken.None);

        _table.Write(Row("silo-a"), Row("silo-b", status: MembershipStatus.Left));
        await _view.RefreshAsync(CancellationToken.None);

        Assert.Equal(["silo-a"], Ids());
    }

    [Fact]
    public async Task A_stale_row_of_a_dead_silo_is_not_revived_at_first_sight()
    {
        _table.Write(Row("silo-a"), Row("silo-dead", heartbeat: _clock.GetUtcNow() - TimeSpan.FromMinutes(1)));
        await _view.RefreshAsync(CancellationToken.None);

        Assert.Equal(["silo-a"], Ids());
    }

    [Fact]
    public async Task While_the_table_cannot_be_read_the_last_view_stands_and_members_get_a_fresh_timeout_after()
    {
        _table.Write(Row("silo-a"), Row("silo-b"));
        await _view.RefreshAsync(CancellationToken.None);

        _table.Fail = true;
        _clock.Advance(TimeSpan.FromMinutes(1));
        await _view.RefreshAsync(CancellationToken.None);
        Assert.Equal(["silo-a", "silo-b"], Ids());

        // Redis is back, restarted empty: silos have not written their rows yet.
        _table.Fail = false;
        _table.Write();
        await _view.RefreshAsync(CancellationToken.None);
        Assert.Equal(["silo-a", "silo-b"], Ids());

        // silo-a heartbeats again, silo-b never does.
        _clock.Advance(TimeSpan.FromSeconds(3));
        _table.Write(Row("silo-a"));
        await _view.RefreshAsync(CancellationToken.None);
        _clock.Advance(TimeSpan.FromSeconds(3));
        _table.Write(Row("silo-a"));
        await _view.RefreshAsync(CancellationToken.None);
        Assert.Equal(["silo-a"], Ids());
    }

    [Fact]
    public async Task An_unchanged_view_keeps_its_version()
    {
        _table.Write(Row("silo-a"));
        await _view.RefreshAsync(CancellationToken.None);
        var first = _view.Current;

        _clock.Advance(TimeSpan.FromSeconds(1));
        _table.Write(Row("silo-a"));
        await _view.RefreshAsync(CancellationToken.None);

        Assert.Same(first, _view.Current);
    }

    private string[] Ids() => _view.Current.Members.Select(m => m.SiloId).ToArray();

    private MembershipEntry Row(string id, DateTimeOffset? heartbeat = null, MembershipStatus status = MembershipStatus.Active) =>
        new(id, $"http://{id}:11111", _clock.GetUtcNow() - TimeSpan.FromMinutes(5), heartbeat ?? _clock.GetUtcNow(), status);

    private sealed class ManualClock(DateTimeOffset now) : TimeProvider
    {
        private DateTimeOffset _now = now;

        public override DateTimeOffset GetUtcNow() => _now;

        public void Advance(TimeSpan by) => _now += by;
    }

    /// <summary>A member table whose rows and failures the test sets.</summary>
    private sealed class ScriptedTable : IMembershipTable
    {
        private MembershipEntry[] _rows = [];

        public bool Fail { get; set; }

        public void Write(params MembershipEntry[] rows) => _rows = rows;

        public Task WriteAsync(MembershipEntry entry, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task RemoveAsync(IReadOnlyList<string> siloIds, CancellationToken cancellationToken) => Task.CompletedTask;

        public Task<IReadOnlyList<MembershipEntry>> ReadAllAsync(CancellationToken cancellationToken) =>
            Fail ? Task.FromException<IReadOnlyList<MembershipEntry>>(new IOException("table unreachable")) : Task.FromResult<IReadOnlyList<MembershipEntry>>(_rows);
    }
}
