using System.ComponentModel.DataAnnotations;

namespace PredictionCluster.Api.Routing;

/// <summary>
/// How the API calls PredictionGrains in a cluster (section <c>Routing</c>). A call that runs longer than
/// <see cref="AttemptTimeout"/> is not repeated because it is slow: the API first asks the same grain, through the
/// same gateway, whether it answers at all (<see cref="ProbeTimeout"/>). A silo computing a long request answers at
/// once and the call goes on; a paused, frozen or partitioned one does not, and the call is repeated. Calls that
/// fail because a silo vanished are repeated too (predictions are pure, so repeating is safe), for as long as
/// <see cref="Deadline"/> allows. Embedded mode calls its co-hosted silo directly: nothing to repeat.
/// </summary>
public sealed class RoutingOptions
{
    public const string SectionName = "Routing";

    /// <summary>
    /// How long one text may go without a silo that answers (from its first failed attempt, retries included) before
    /// the request gets 503. A call to a silo that answers is never cut by it, however long its inference takes.
    /// Failover takes a few seconds (a killed or paused silo is declared dead in about 2 s); with no silo at all,
    /// clients wait this long for their 503.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long a call runs before the API checks that its grain's silo still answers.</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>
    /// How long that check waits: a silo that does not answer a no-op within it counts as unreachable, and the call is
    /// repeated. A live silo answers in about a millisecond (the probe interleaves with the grain's running call).
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan ProbeTimeout { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>First pause between attempts; it doubles up to one second.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);
}
