using Metrics;

namespace Api.Dashboard;

/// <summary>
/// One member as the dashboard read it: who and where, its health, and its metric families (null when it could not
/// be read: <see cref="Error"/> says why).
/// </summary>
public sealed record MemberReading(string Id, string Endpoint, MemberStatus Status, double? HeartbeatAgeSeconds, IReadOnlyList<MetricFamily>? Families, string? Error = null);
