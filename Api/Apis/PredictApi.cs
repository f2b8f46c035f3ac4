using PredictionCluster.ServiceDefaults.Http;
using System.Diagnostics;
using System.Runtime.InteropServices;
using PredictionCluster.Api.Payloads;
using PredictionCluster.Api.Prediction;
using PredictionCluster.Api.Routing;
using PredictionCluster.Api.Telemetry;
using PredictionCluster.Grains.Hosting;
using PredictionCluster.Inference.Batching;
using PredictionCluster.Grains.Interfaces;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace PredictionCluster.Api.Apis;

/// <summary><c>POST /predict</c>: classify texts; every text gets every label's score, in input order.</summary>
public static class PredictApi
{
    // X-Cache: hit when every text was answered by a cache tier (memory or storage), miss when any was inferred.
    // Load tools read it to report the hit ratio they observed.
    private const string CacheHeader = "X-Cache";
    private static readonly StringValues CacheHit = "hit";
    private static readonly StringValues CacheMiss = "miss";

    public static IEndpointRouteBuilder MapPredictApi(this IEndpointRouteBuilder app)
    {
        app.MapPost("/predict", PredictAsync)
            .WithName("Predict")
            .WithSummary("Classify texts")
            .WithDescription("Returns, for each text in order, every label of the model with its softmax score (the shape of a Hugging Face text-classification pipeline with all scores). Texts longer than the model's token limit are truncated.")
            .Accepts<PredictRequest>("application/json")
            .Produces<PredictResponse>(StatusCodes.Status200OK)
            .ProducesValidationProblem()
            .ProducesProblem(StatusCodes.Status408RequestTimeout)
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status500InternalServerError)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    internal static async Task<IResult> PredictAsync(HttpContext context, IPredictionRouter router, PredictResponseWriter writer, IOptions<ApiOptions> options, RejectedRequestMetrics rejected,
        ModelQualityMetrics quality, PayloadLog payload)
    {
        // A timestamp, not a Stopwatch: Server-Timing's total and the payload log's latency cost no allocation.
        long started = Stopwatch.GetTimestamp();
        var limits = options.Value;
        if (JsonContentType.Refusal(context.Request.ContentType) is { } refusal)
        {
            return PredictProblems.UnsupportedMediaType(refusal);
        }
        if (ContentCoding.Refusal(context.Request.Headers.ContentEncoding) is { } coding)
        {
            return PredictProblems.UnsupportedContentCoding(context, coding);
        }
        var (parse, unreadable) = await ReadBodyAsync(context, limits);
        if (unreadable is not null)
        {
            return PredictProblems.BodyUnreadable(unreadable, limits);
        }
        if (!parse!.IsValid)
        {
            return TypedResults.ValidationProblem(parse.Errors!,
                title: parse.IsMalformedJson ? "The body is not valid JSON." : "One or more fields are invalid.");
        }

        var texts = parse.Texts!;
        var (distinct, slots) = Deduplicate(texts);
        ModelDescriptor model;
        PredictionResult[] results;
        try
        {
            (model, results) = await router.PredictAsync(distinct, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return TypedResults.Empty; // the client left; nobody reads an answer
        }
        catch (ClusterUnavailableException e)
        {
            rejected.RecordClusterUnavailable();
            return PredictProblems.Unavailable(context, limits, e.Title, e.Message);
        }

        var scoresByText = new float[texts.Count][];
        bool cached = true;
        for (int i = 0; i < slots.Length; i++)
        {
            var result = results[slots[i]];
            cached &= result.Source != PredictionSource.Inference;
            switch (result.Status)
            {
                case PredictionStatus.Ok:
                    break;
                case PredictionStatus.NonFiniteScore:
                    return PredictProblems.ModelFailed(InferenceFailure.NonFiniteScore);
                case PredictionStatus.ModelRunFailed:
                    return PredictProblems.ModelFailed(InferenceFailure.RunFailed);
                case PredictionStatus.InferenceStopped:
                    rejected.RecordInferenceStopped();
                    return PredictProblems.Unavailable(context, limits, "Inference unavailable", "The inference engine has stopped after an internal error.");
                default: // Overloaded, or a status this version does not know: the request was not served
                    rejected.RecordQueueFull();
                    return PredictProblems.Overloaded(context, limits, result.RetryAfter);
            }
            // Checked before a byte of the answer is written: a score the JSON writer refuses (NaN, from a cache
            // tier or a silo of an older version) must become a clean problem, not a half-written body.
            if (!IsWritable(result.Scores.AsSpan(), model))
            {
                return PredictProblems.ModelFailed(InferenceFailure.NonFiniteScore);
            }
            scoresByText[i] = ImmutableCollectionsMarshal.AsArray(result.Scores)!;
        }
        // Every text is answered: now each counts (a request that fails half-way counts none); a text repeated
        // within the request was computed once, so only its first slot can count as an inference.
        for (int i = 0, firstOfNext = 0; i < slots.Length; i++)
        {
            bool first = slots[i] == firstOfNext;
            firstOfNext += first ? 1 : 0;
            quality.Record(model, scoresByText[i], inferred: first && results[slots[i]].Source == PredictionSource.Inference);
        }
        var elapsed = Stopwatch.GetElapsedTime(started);
        if (payload.IsEnabled)
        {
            // Distinct texts: a text repeated within the request is one record.
            payload.Record(model, distinct, results, elapsed);
        }
        context.Response.Headers[CacheHeader] = cached ? CacheHit : CacheMiss;
        context.Response.Headers[ServerTiming.Header] = ServerTiming.Format(results, elapsed);
        return new PredictionsResult(writer, model, scoresByText);
    }

    private static bool IsWritable(ReadOnlySpan<float> scores, ModelDescriptor model)
    {
        if (scores.Length != model.Labels.Count)
        {
            return false;
        }
        foreach (float score in scores)
        {
            if (!float.IsFinite(score))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Drops duplicate texts within the request: each distinct text is asked for once.</summary>
    private static (List<string> Distinct, int[] Slots) Deduplicate(List<string> texts)
    {
        var distinct = new List<string>(texts.Count);
        var slots = new int[texts.Count];
        var seen = new Dictionary<string, int>(texts.Count, StringComparer.Ordinal);
        for (int i = 0; i < texts.Count; i++)
        {
            if (!seen.TryGetValue(texts[i], out int slot))
            {
                slot = distinct.Count;
                seen.Add(texts[i], slot);
                distinct.Add(texts[i]);
            }
            slots[i] = slot;
        }
        return (distinct, slots);
    }

    /// <summary>Reads the whole body (bounded) and parses it; or why the body could not be read (413, 408, 400).</summary>
    private static Task<(PredictRequestParse? Parse, BadHttpRequestException? Unreadable)> ReadBodyAsync(HttpContext context, ApiOptions limits) =>
        BoundedRequestBody.TryReadAsync(context, limits.MaxBodyBytes, limits, static (body, limits) => PredictRequestReader.Read(body, limits));
}
