using OpenTelemetry;
using OpenTelemetry.Trace;
using Tests.Infrastructure;

namespace Tests.Telemetry;

/// <summary>
/// In cluster mode the trace context crosses from the API (an Orleans client) through the gateway to the silo: the
/// silo's grain spans belong to the API's request trace. The API and the silo run in this process, so one tracer
/// provider of the test's own, listening to the same sources as the hosts', hears both.
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed class ClusterRequestTraceTests
{
    [Fact]
    public async Task A_predict_request_is_one_trace_across_the_api_and_the_silo()
    {
        var spans = new SpanCollector();
        using var tracing = Sdk.CreateTracerProviderBuilder()
            .AddSource("Microsoft.Orleans.Application", "Microsoft.Orleans.Runtime")
            .AddAspNetCoreInstrumentation()
            .AddInMemoryExporter(spans)
            .Build();
        await using var cluster = await LocalCluster.StartAsync(silos: 1);

        await RequestTrace.AssertOneTraceThroughTheGrainsAsync(cluster.Client, spans);
    }
}
