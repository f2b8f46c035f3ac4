using System.ComponentModel.DataAnnotations;

namespace Api.Routing;

/// <summary>
/// How the API retries grain calls (section <c>Routing</c>). A call that fails because a silo vanished is
/// repeated (predictions are pure, so repeating is safe) until <see cref="Deadline"/>; a call that hangs on a
/// dead silo is given up after <see cref="AttemptTimeout"/> and repeated, while its grain keeps computing so
/// the repeat finds the answer.
/// </summary>
public sealed class RoutingOptions
{
    public const string SectionName = "Routing";

    /// <summary>
    /// The whole budget of one text's call, retries included; past it the request gets 503. Failover takes a few
    /// seconds (a killed silo is declared dead in 1–2 s); with no silo at all, clients wait this long for their 503.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "01:00:00")]
    public TimeSpan Deadline { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How long one attempt may take before it is repeated (measured here: a killed silo is declared dead in 0.6–2.2 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "01:00:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>First pause between attempts; it doubles up to one second.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:00:10")]
    public TimeSpan RetryDelay { get; set; } = TimeSpan.FromMilliseconds(50);
}
