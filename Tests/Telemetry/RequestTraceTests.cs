using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Tests.Infrastructure;

namespace Tests.Telemetry;

/// <summary>
/// One POST /predict is one trace: ASP.NET Core's server span, and under it Orleans' spans of the calls to the
/// PredictionGrain and from it to the InferenceGrain (the grain calls carry the trace context). Spans go to an
/// in-memory exporter added to the embedded API's tracer provider, as an OTLP exporter would be.
/// </summary>
public sealed class RequestTraceTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task A_predict_request_is_one_trace_from_the_api_through_the_prediction_grain_to_the_inference_grain()
    {
        var spans = new SpanCollector();
        await using var factory = new EmbeddedApiFactory().WithWebHostBuilder(host =>
            host.ConfigureServices(services => services.AddOpenTelemetry().WithTracing(tracing => tracing.AddInMemoryExporter(spans))));
        using var client = factory.CreateClient();
        // The tracer provider hears every host in this process; our request's server span is told apart by its agent.
        string agent = "trace-test-" + Guid.NewGuid().ToString("N");
        client.DefaultRequestHeaders.UserAgent.ParseAdd(agent);

        using var response = await client.PostAsJsonAsync("/predict", new { text = new[] { $"a traced text {Guid.NewGuid()}" } });
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Activity? server = null;
        await WaitUntil.TrueAsync(() => (server = spans.Snapshot().SingleOrDefault(s => IsServerSpanOf(s, agent))) is not null, Patience, "the request's server span");
        var trace = spans.Snapshot().Where(s => s.TraceId == server!.TraceId).ToArray();
        string seen = string.Join("\n", trace.Select(Describe));

        Assert.Equal(default, server!.ParentSpanId);
        var predictionSpans = trace.Where(s => Describe(s).Contains("PredictionGrain", StringComparison.Ordinal)).ToArray();
        var inferenceSpans = trace.Where(s => Describe(s).Contains("InferenceGrain", StringComparison.Ordinal)).ToArray();
        Assert.True(predictionSpans.Length > 0, $"no PredictionGrain span in the request's trace:\n{seen}");
        Assert.True(inferenceSpans.Length > 0, $"no InferenceGrain span in the request's trace:\n{seen}");
        // Every span of the trace hangs, parent by parent, from the server span; the InferenceGrain's below a PredictionGrain span.
        var byId = trace.ToDictionary(s => s.SpanId);
        Assert.All(trace, span => Assert.Contains(server, Ancestry(span, byId)));
        Assert.All(inferenceSpans, span => Assert.Contains(Ancestry(span, byId), predictionSpans.Contains));
    }

    private static bool IsServerSpanOf(Activity span, string agent) =>
        span.Kind == ActivityKind.Server && span.GetTagItem("user_agent.original") is string value && value.Contains(agent, StringComparison.Ordinal);

    /// <summary>The span and its parents, as far as the collected spans go.</summary>
    private static List<Activity> Ancestry(Activity span, Dictionary<ActivitySpanId, Activity> byId)
    {
        var chain = new List<Activity> { span };
        while (byId.TryGetValue(chain[^1].ParentSpanId, out var parent) && !chain.Contains(parent))
        {
            chain.Add(parent);
        }
        return chain;
    }

    private static string Describe(Activity span) =>
        $"{span.Source.Name} {span.Kind} {span.DisplayName} rpc.service={span.GetTagItem("rpc.service")} rpc.method={span.GetTagItem("rpc.method")} id={span.SpanId} parent={span.ParentSpanId}";
}
