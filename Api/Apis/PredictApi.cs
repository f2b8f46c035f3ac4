using System.Runtime.InteropServices;
using Api.Prediction;
using Api.Routing;
using Grains.Hosting;
using Grains.Interfaces;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Primitives;

namespace Api.Apis;

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
            .ProducesProblem(StatusCodes.Status413PayloadTooLarge)
            .ProducesProblem(StatusCodes.Status415UnsupportedMediaType)
            .ProducesProblem(StatusCodes.Status503ServiceUnavailable);
        return app;
    }

    internal static async Task<IResult> PredictAsync(HttpContext context, IPredictionRouter router, PredictResponseWriter writer, IOptions<ApiOptions> options, RejectedRequestMetrics rejected)
    {
        // A body that is not JSON never gets here: Accepts("application/json") makes routing answer 415.
        var limits = options.Value;
        var parse = await ReadBodyAsync(context, limits);
        if (parse is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large",
                detail: $"The body is larger than {limits.MaxBodyBytes} bytes; send fewer or shorter texts per request.");
        }
        if (!parse.IsValid)
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
            return Unavailable(context, limits, "Cluster unavailable", $"{e.Message} Retry after {limits.RetryAfterSeconds} second(s).");
        }

        var scoresByText = new float[texts.Count][];
        bool cached = true;
        for (int i = 0; i < slots.Length; i++)
        {
            var result = results[slots[i]];
            cached &= result.Source != PredictionSource.Inference;
            if (result.Status != PredictionStatus.Ok)
            {
                rejected.RecordQueueFull();
                return Unavailable(context, limits, "Overloaded", $"The inference queue is full. Retry after {limits.RetryAfterSeconds} second(s).");
            }
            scoresByText[i] = ImmutableCollectionsMarshal.AsArray(result.Scores)!;
        }
        context.Response.Headers[CacheHeader] = cached ? CacheHit : CacheMiss;
        return new PredictionsResult(writer, model, scoresByText);
    }

    /// <summary>503 with Retry-After: the request was sound, the service cannot take it right now.</summary>
    private static IResult Unavailable(HttpContext context, ApiOptions limits, string title, string detail)
    {
        context.Response.Headers.RetryAfter = limits.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: title, detail: detail);
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

    /// <summary>Reads the whole body (bounded) and parses it; null when it is over the size limit.</summary>
    private static Task<PredictRequestParse?> ReadBodyAsync(HttpContext context, ApiOptions limits) =>
        BoundedRequestBody.ReadAsync(context, limits.MaxBodyBytes, limits, static (body, limits) => PredictRequestReader.Read(body, limits));
}
