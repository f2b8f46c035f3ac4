using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Tests.Infrastructure;

namespace Tests.Telemetry;

/// <summary>Posts one text and checks the spans of its request are one trace from the API's server span down to the InferenceGrain.</summary>
public static class RequestTrace
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(30);

    public static async Task AssertOneTraceThroughTheGrainsAsync(HttpClient client, SpanCollector spans)
    {
        // A tracer provider hears every host in this process; our request's server span is told apart by its agent.
        string agent = "trace-test-" + Guid.NewGuid().ToString("N");
        await WaitUntil.ReadyAsync(client);
        using var request = new HttpRequestMessage(HttpMethod.Post, "predict") { Content = JsonContent.Create(new { text = new[] { $"a traced text {Guid.NewGuid()}" } }) };
        request.Headers.UserAgent.ParseAdd(agent);
        using var response = await client.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);

        Activity? server = null;
        await WaitUntil.TrueAsync(() => (server = spans.Snapshot().SingleOrDefault(s => IsServerSpanOf(s, agent))) is not null, Patience, "the request's server span");
        // The grain spans end before the server span, but a storage write may still be finishing: wait for the InferenceGrain's.
        try
        {
            await WaitUntil.TrueAsync(() => Trace(spans, server!).Any(s => Describe(s).Contains("InferenceGrain", StringComparison.Ordinal)), Patience,
                "an InferenceGrain span in the request's trace");
        }
        catch (TimeoutException)
        {
            // The assertions below say what the trace holds instead.
        }
        var trace = Trace(spans, server!);
        string seen = string.Join("\n", trace.Select(Describe));

        Assert.Equal(default, server!.ParentSpanId);
        var predictionSpans = trace.Where(s => Describe(s).Contains("PredictionGrain", StringComparison.Ordinal)).ToArray();
        var inferenceSpans = trace.Where(s => Describe(s).Contains("InferenceGrain", StringComparison.Ordinal)).ToArray();
        Assert.True(predictionSpans.Length > 0, $"no PredictionGrain span in the request's trace:\n{seen}");
        Assert.True(inferenceSpans.Length > 0, $"no InferenceGrain span in the request's trace:\n{seen}");
        // Every span of the trace hangs, parent by parent, from the server span; the InferenceGrain's below a PredictionGrain span.
        var byId = trace.ToDictionary(s => s.SpanId);
        Assert.All(trace, span => Assert.True(Ancestry(span, byId).Contains(server), $"{Describe(span)} does not hang from the server span:\n{seen}"));
        Assert.All(inferenceSpans, span => Assert.True(Ancestry(span, byId).Any(predictionSpans.Contains), $"{Describe(span)} is not under a PredictionGrain span:\n{seen}"));
    }

    private static Activity[] Trace(SpanCollector spans, Activity server) => [.. spans.Snapshot().Where(s => s.TraceId == server.TraceId)];

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
        $"{span.Source.Name} {span.Kind} {span.DisplayName} rpc.service={span.GetTagItem("rpc.service")} id={span.SpanId} parent={span.ParentSpanId}";
}
