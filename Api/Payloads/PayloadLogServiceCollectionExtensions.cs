using PredictionCluster.ServiceDefaults.Telemetry;
using Microsoft.Extensions.DependencyInjection.Extensions;
using OpenTelemetry.Logs;

namespace PredictionCluster.Api.Payloads;

/// <summary>Registers the payload log (section <c>PayloadLog</c>): off by default, by OTLP when an endpoint for logs is set, to a JSON-lines file otherwise.</summary>
public static class PayloadLogServiceCollectionExtensions
{
    public static WebApplicationBuilder AddPayloadLog(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        var section = builder.Configuration.GetSection(PayloadLogOptions.SectionName);
        services.AddOptions<PayloadLogOptions>().Bind(section).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(TimeProvider.System);
        // /predict always asks for it; off, it is a flag the request reads and nothing more.
        services.AddSingleton<PayloadLog>();

        // The writer, the sink and the logs signal exist only when the log is on, decided once at startup (the
        // options' validation runs later and refuses a rate out of range before the host serves anything).
        if (!(section.GetValue<double>(nameof(PayloadLogOptions.SampleRate)) > 0))
        {
            return builder;
        }
        services.AddSingleton<PayloadLogMetrics>();
        if (builder.AddOtlpLogsOf(OtlpPayloadSink.Category, logging => logging.AddProcessor(new PayloadTimestampProcessor())))
        {
            services.AddSingleton<IPayloadSink, OtlpPayloadSink>();
        }
        else
        {
            services.AddSingleton<IPayloadSink, JsonLinesPayloadSink>();
        }
        services.AddHostedService<PayloadLogWriter>();
        return builder;
    }
}
