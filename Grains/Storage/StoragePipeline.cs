using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Orleans.Storage;
using Polly;
using Polly.CircuitBreaker;
using Polly.DependencyInjection;
using Polly.Telemetry;
using Polly.Timeout;

namespace PredictionCluster.Grains.Storage;

/// <summary>
/// The resilience pipeline (Microsoft.Extensions.Resilience) every call to the predictions' grain storage goes
/// through: a circuit breaker, then a timeout whose length each call brings (<see cref="Budget"/>: the read or the
/// write budget). While Redis does not answer the breaker is open and calls do not wait on it at all; it lets a probe
/// through after a break and closes when the probe gets an answer.
/// </summary>
/// <remarks>
/// Thresholds for a cache on loopback or a LAN, where a healthy Redis answers in about a tenth of a millisecond (1 ms at
/// most on loopback here, <c>redis-cli --latency</c>) and never comes near a 100 ms budget. A Redis that hangs fails every call, so the breaker opens after
/// <see cref="MinimumThroughput"/> calls in <see cref="SamplingDuration"/> of which at least half failed: at 20 new
/// texts a second that is about a quarter of a second of reads waiting their budget, where without it every cache miss
/// waited for the whole outage. Half, not all, so that a Redis answering only some calls is relieved too; five, not
/// two, so that a couple of slow answers (a GC pause, a loaded machine) do not drop writes. The first break is a second:
/// its cost is one call (a probe, or a read waiting its budget) per break, and an outage shorter than the break is over
/// before anyone notices the breaker. A probe that fails doubles the break, up to <see cref="LongestBreak"/>, so a Redis
/// that stays away is asked less, and one that comes back is noticed within that.
/// </remarks>
public static class StoragePipeline
{
    public const string Name = "prediction-storage";

    internal const double FailureRatio = 0.5;

    internal const int MinimumThroughput = 5;

    internal static readonly TimeSpan SamplingDuration = TimeSpan.FromSeconds(2);

    internal static readonly TimeSpan FirstBreak = TimeSpan.FromSeconds(1);

    internal static readonly TimeSpan LongestBreak = TimeSpan.FromSeconds(4);

    /// <summary>The budget of one call, set by its caller on the <see cref="ResilienceContext"/>.</summary>
    internal static readonly ResiliencePropertyKey<TimeSpan> Budget = new("prediction-storage.budget");

    internal static IServiceCollection AddStoragePipeline(this IServiceCollection services) =>
        services.AddResiliencePipeline(Name, static (builder, context) => Configure(builder, context));

    private static void Configure(ResiliencePipelineBuilder builder, AddResiliencePipelineContext<string> context)
    {
        var services = context.ServiceProvider;
        var circuit = services.GetRequiredService<StorageCircuit>();
        var writeTimeout = services.GetRequiredService<IOptions<StorageOptions>>().Value.WriteTimeout;
        // Polly logs every timeout as an Error and every state change: here a timeout is an expected outcome (a
        // miss, a dropped write: counted in StorageMetrics) and the outage is logged once by StorageCircuit.
        var telemetry = services.GetRequiredService<IOptions<TelemetryOptions>>().Value;
        builder.ConfigureTelemetry(new TelemetryOptions(telemetry) { SeverityProvider = static _ => ResilienceEventSeverity.Debug });
        builder
            .AddCircuitBreaker(new CircuitBreakerStrategyOptions
            {
                FailureRatio = FailureRatio,
                MinimumThroughput = MinimumThroughput,
                SamplingDuration = SamplingDuration,
                // Also how long a half-open breaker waits for its probe before it lets another through.
                BreakDuration = FirstBreak,
                BreakDurationGenerator = static args => ValueTask.FromResult(BreakAfter(args.HalfOpenAttempts)),
                // A write that lost the race to another activation, and a call its caller gave up, are no failures of Redis.
                ShouldHandle = static args => ValueTask.FromResult(args.Outcome.Exception is { } e && e is not (InconsistentStateException or OperationCanceledException)),
                StateProvider = circuit.State,
                OnOpened = circuit.OnOpened,
                OnClosed = circuit.OnClosed,
            })
            .AddTimeout(new TimeoutStrategyOptions
            {
                TimeoutGenerator = args => ValueTask.FromResult(args.Context.Properties.GetValue(Budget, writeTimeout)),
            });
    }

    /// <summary>The break after <paramref name="failedProbes"/> failed probes in a row: 1 s, 2 s, then 4 s.</summary>
    internal static TimeSpan BreakAfter(int failedProbes) =>
        TimeSpan.FromTicks(Math.Min(LongestBreak.Ticks, FirstBreak.Ticks << Math.Clamp(failedProbes, 0, 16)));
}
