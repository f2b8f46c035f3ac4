using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Tests.Infrastructure;

namespace Tests.Telemetry;

/// <summary>
/// One POST /predict is one trace: ASP.NET Core's server span, and under it Orleans' spans of the call to the
/// PredictionGrain and from it to the InferenceGrain (grain calls carry the trace context). The spans go to an
/// in-memory exporter added to the embedded API's own tracer provider, where an OTLP exporter would be.
/// </summary>
public sealed class RequestTraceTests
{
    [Fact]
    public async Task A_predict_request_is_one_trace_from_the_api_through_the_prediction_grain_to_the_inference_grain()
    {
        var spans = new SpanCollector();
        await using var factory = new EmbeddedApiFactory().WithWebHostBuilder(host =>
            host.ConfigureServices(services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(spans))));
        using var client = factory.CreateClient();

        await RequestTrace.AssertOneTraceThroughTheGrainsAsync(client, spans);
    }
}
