namespace Api.Dashboard;

/// <summary>What <c>GET /dashboard/state</c> answers: cluster-wide figures and one row per member, over the last <see cref="WindowSeconds"/>.</summary>
public sealed record DashboardState(DateTimeOffset At, string Mode, string? ModelId, double WindowSeconds, DashboardTotals Totals, IReadOnlyList<DashboardMember> Members);
