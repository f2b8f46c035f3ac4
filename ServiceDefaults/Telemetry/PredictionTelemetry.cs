using System.Diagnostics.Metrics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;

namespace PredictionCluster.ServiceDefaults.Telemetry;

/// <summary>
/// OpenTelemetry for the API and the silos, the same in each (the role of a ServiceDefaults project):
/// metrics of our meters, Orleans, ASP.NET Core and the runtime, served on <c>GET /metrics</c> by the Prometheus
/// exporter; traces of Orleans' grain calls and ASP.NET Core's requests, sent by OTLP only when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
/// </summary>
public static class PredictionTelemetry
{
    /// <summary>Our own meters (<c>PredictionCluster.Inference</c>, <c>.Prediction</c>, <c>.Api</c>).</summary>
    public const string ProjectMeters = "PredictionCluster.*";

    /// <summary>The standard variable naming an OTLP collector; the per-signal variables are honoured too.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    private static readonly string[] Meters =
    [
        ProjectMeters,
        "Microsoft.Orleans",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
    ];

    /// <summary>
    /// Orleans' spans of grain calls (application and runtime) and of grain storage. Lifecycle spans (silo start,
    /// activations) are left out: they are long or unrelated to a request.
    /// </summary>
    private static readonly string[] ActivitySourceNames =
    [
        ActivitySources.ApplicationGrainActivitySourceName,
        ActivitySources.RuntimeActivitySourceName,
        ActivitySources.StorageActivitySourceName,
    ];

    public static IHostApplicationBuilder AddPredictionTelemetry(this IHostApplicationBuilder builder, TelemetryRole role)
    {
        var services = builder.Services;
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddDetector(sp => new HostResourceDetector(role, sp)))
            .WithMetrics(metrics => metrics
                .AddMeter(Meters)
                .AddRuntimeInstrumentation()
                // Every scrape reads the present (the exporter would answer from a 300 ms cache, which only
                // matters to scrapers far more frequent than Prometheus' 15 s or so).
                .AddPrometheusExporter(options => options.ScrapeResponseCacheDurationMilliseconds = 0));
        services.ConfigureOpenTelemetryMeterProvider((sp, metrics) => metrics.AddView(new HostMetricsView(sp.GetRequiredService<IMeterFactory>()).Select));

        // Sources and instrumentation for any tracer provider the host builds; none is built unless something
        // exports (an OTLP endpoint here, an in-memory exporter in tests): with no listener Orleans and ASP.NET Core
        // create no activities at all.
        services.ConfigureOpenTelemetryTracerProvider(tracing => tracing
            .AddSource(ActivitySourceNames)
            .AddAspNetCoreInstrumentation(options => options.Filter = context => !IsScrapeOrProbe(context.Request.Path)));

        if (SendsOtlp(builder.Configuration, "TRACES"))
        {
            telemetry.WithTracing(tracing => tracing.AddOtlpExporter());
        }
        if (SendsOtlp(builder.Configuration, "METRICS"))
        {
            telemetry.WithMetrics(metrics => metrics.AddOtlpExporter());
        }
        return builder;
    }

    /// <summary>
    /// Sends the log records of one category, and of no other, by OTLP beside the traces and metrics, when an endpoint
    /// for logs is set (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>OTEL_EXPORTER_OTLP_LOGS_ENDPOINT</c>); false when none
    /// is. The application's own log lines stay on the console: they are an operator's, and a collector outside the
    /// cluster has no business with them. The category's records are kept off every other provider (the console),
    /// since they may carry what users sent. <paramref name="configure"/> adds processors that run before the exporter.
    /// </summary>
    public static bool AddOtlpLogsOf(this IHostApplicationBuilder builder, string category, Action<LoggerProviderBuilder>? configure = null)
    {
        if (!SendsOtlp(builder.Configuration, "LOGS"))
        {
            return false;
        }
        builder.Services.AddOpenTelemetry().WithLogging(
            logging =>
            {
                configure?.Invoke(logging);
                logging.AddOtlpExporter();
            },
            // The records are structured: their attributes say everything, a formatted message or scopes would only
            // repeat them or add the request's context.
            options =>
            {
                options.IncludeFormattedMessage = false;
                options.IncludeScopes = false;
            });
        // Rules naming a provider win over rules naming none, and among them the longest category prefix wins: the
        // OpenTelemetry provider takes this category and nothing else, the other providers everything but it.
        builder.Logging.AddFilter<OpenTelemetryLoggerProvider>(null, LogLevel.None);
        builder.Logging.AddFilter<OpenTelemetryLoggerProvider>(category, LogLevel.Information);
        builder.Logging.AddFilter(category, LogLevel.None);
        return true;
    }

    /// <summary><c>GET /metrics</c>, in the Prometheus text format or OpenMetrics as the scraper asks; not in the OpenAPI document.</summary>
    public static IEndpointConventionBuilder MapPrometheusMetrics(this IEndpointRouteBuilder app) =>
        app.MapPrometheusScrapingEndpoint("/metrics").ExcludeFromDescription();

    private static bool SendsOtlp(IConfiguration configuration, string signal) =>
        !string.IsNullOrWhiteSpace(configuration[OtlpEndpointVariable])
        || !string.IsNullOrWhiteSpace(configuration[$"OTEL_EXPORTER_OTLP_{signal}_ENDPOINT"]);

    /// <summary>Scrapes and health probes come every few seconds and say nothing about a request: no spans for them.</summary>
    private static bool IsScrapeOrProbe(PathString path) =>
        path.StartsWithSegments("/metrics") || path.StartsWithSegments("/health");
}
