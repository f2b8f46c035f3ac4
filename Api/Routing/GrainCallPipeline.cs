using PredictionCluster.ServiceDefaults.Cluster;
using PredictionCluster.Grains.Hosting;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Retry;
using Polly.Telemetry;

namespace PredictionCluster.Api.Routing;

/// <summary>
/// The retries around each grain call of a cluster API (Microsoft.Extensions.Resilience): a call that failed because
/// its silo is unreachable (rejected while a silo is gone, or no answer to a probe: <see cref="PredictionGrainCaller"/>)
/// is repeated with backoff, for at most <see cref="RoutingOptions.Deadline"/> from its first failed attempt. There is
/// no timeout on an attempt as such: a silo that answers is left to finish, however long its inference takes.
/// </summary>
public static class GrainCallPipeline
{
    public const string Name = "grain-calls";

    /// <summary>When the current attempt began (a timestamp of the pipeline's clock).</summary>
    internal static readonly ResiliencePropertyKey<long> AttemptStarted = new("routing.attempt-started");

    /// <summary>When the first failed attempt began: the retry budget counts from there.</summary>
    private static readonly ResiliencePropertyKey<long> FirstFailure = new("routing.first-failure");

    /// <summary>
    /// The routing options, the retry pipeline and the caller. <paramref name="mode"/> Embedded: the caller calls the
    /// co-hosted silo directly (a call that cannot be lost in a network is never repeated); otherwise through the pipeline.
    /// </summary>
    public static IServiceCollection AddGrainCallPipeline(this IServiceCollection services, IConfiguration configuration, ClusterMode mode = ClusterMode.Redis)
    {
        services.AddOptions<RoutingOptions>().Bind(configuration.GetSection(RoutingOptions.SectionName)).ValidateDataAnnotations().ValidateOnStart();
        services.AddResiliencePipeline(Name, static (builder, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<RoutingOptions>>().Value;
            var time = context.ServiceProvider.GetService<TimeProvider>() ?? TimeProvider.System;
            builder.AddRetry(new RetryStrategyOptions
            {
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception is { } e && IsTransient(e) && WithinBudget(args.Context, time, options.Deadline)),
                MaxRetryAttempts = int.MaxValue, // the budget bounds them
                BackoffType = DelayBackoffType.Exponential,
                Delay = options.RetryDelay,
                MaxDelay = TimeSpan.FromSeconds(1),
                UseJitter = true,
                // A call cut short because its gateway was dropped goes again at once: the client has a live path now.
                DelayGenerator = static args => ValueTask.FromResult<TimeSpan?>(args.Outcome.Exception is GatewayDroppedException ? TimeSpan.Zero : null),
            });
        });
        services.Configure<TelemetryOptions>(telemetry => telemetry.SeverityProvider = SeverityOf);
        services.TryAddSingleton<GatewayLossSignal>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<PredictionGrainCaller>(sp, mode == ClusterMode.Embedded));
        return services;
    }

    /// <summary>
    /// What of the pipeline reaches the log (<c>Logging:LogLevel:Polly</c> is Warning). A retry (one per text while a
    /// silo is away) is Information: it is expected during failover, and the request still succeeds.
    /// </summary>
    internal static ResilienceEventSeverity SeverityOf(SeverityProviderArguments args) => args switch
    {
        { Event.EventName: "OnRetry" } => ResilienceEventSeverity.Information,
        { Event.EventName: "ExecutionAttempt" } => ResilienceEventSeverity.Debug,
        _ => args.Event.Severity,
    };

    /// <summary>Failures a repeat may cure: the runtime's own (a silo gone, a message rejected) and unanswered calls.</summary>
    public static bool IsTransient(Exception e) => e is OrleansException or TimeoutException;

    private static bool WithinBudget(ResilienceContext context, TimeProvider time, TimeSpan deadline)
    {
        if (!context.Properties.TryGetValue(FirstFailure, out long first))
        {
            first = context.Properties.GetValue(AttemptStarted, time.GetTimestamp());
            context.Properties.Set(FirstFailure, first);
        }
        return time.GetElapsedTime(first) < deadline;
    }
}
