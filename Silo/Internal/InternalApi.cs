using System.Buffers;
using Grains.Hosting;
using Grains.Interfaces;
using Grains.Interfaces.Wire;

namespace Silo.Internal;

/// <summary>
/// The silo's internal endpoints, called by the API over HTTP/2 in cluster mode: <c>POST /internal/predict</c>
/// (a batch in <see cref="PredictionRequestCodec"/> format, answered in <see cref="PredictionResponseCodec"/>
/// format) and <c>GET /internal/model</c> (the <see cref="ModelDescriptor"/> as JSON). Every call must carry
/// the cluster key (<see cref="PredictionWire.ClusterKeyHeader"/>); without it the answer is 401 and nothing else runs.
/// </summary>
public static partial class InternalApi
{
    /// <summary>
    /// Maps the internal endpoints (services from <see cref="InternalApiServiceCollectionExtensions.AddInternalApi"/>)
    /// and returns their group, so the host can restrict it (e.g. to the internal port with <c>RequireHost</c>).
    /// </summary>
    public static RouteGroupBuilder MapInternalApi(this IEndpointRouteBuilder app)
    {
        var logger = app.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(InternalApi));
        var group = app.MapGroup("");
        // On the group, so that any endpoint added to it later is guarded too. The guard is resolved when
        // endpoints are built (after startup validated Cluster:Key), not per call.
        group.AddEndpointFilterFactory((factory, next) =>
        {
            var guard = factory.ApplicationServices.GetRequiredService<ClusterKeyGuard>();
            return invocation =>
            {
                var http = invocation.HttpContext;
                if (guard.Refusal(http.Request.Headers[PredictionWire.ClusterKeyHeader]) is { } refusal)
                {
                    LogRefused(logger, http.Request.Path, http.Connection.RemoteIpAddress?.ToString(), refusal);
                    return ValueTask.FromResult<object?>(TypedResults.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "Unauthorized",
                        detail: $"Internal calls must carry the cluster key in {PredictionWire.ClusterKeyHeader}; this one has {refusal}."));
                }
                return next(invocation);
            };
        });

        group.MapPost(PredictionWire.PredictPath, (HttpContext context, IPredictionSilo silo) => PredictAsync(context, silo, logger))
            .WithName("InternalPredict")
            .ExcludeFromDescription();
        group.MapGet(PredictionWire.ModelPath, static (IPredictionSilo silo) => TypedResults.Json(silo.Model, WireJsonContext.Default.ModelDescriptor))
            .WithName("InternalModel")
            .ExcludeFromDescription();
        return group;
    }

    internal static async Task<IResult> PredictAsync(HttpContext context, IPredictionSilo silo, ILogger logger)
    {
        if (!PredictionWire.IsContentType(context.Request.ContentType))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: $"The body must be {PredictionWire.ContentType}.");
        }

        var body = await ReadBodyAsync(context);
        if (body is null)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large",
                detail: $"The body is larger than {PredictionWire.MaxRequestBytes} bytes; split the batch.");
        }
        if (body.Error is { } error)
        {
            LogMalformed(logger, error);
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed batch", detail: error);
        }

        var items = body.Items!;
        string modelId = silo.Model.ModelId;
        if (!string.Equals(body.ModelId, modelId, StringComparison.Ordinal))
        {
            // Expected for a moment during a rollout: the API keyed the texts for a model this silo does not serve.
            LogModelMismatch(logger, body.ModelId!, modelId);
            return TypedResults.Problem(statusCode: StatusCodes.Status409Conflict, title: "Model mismatch",
                detail: $"The texts were keyed for model {body.ModelId}; this silo serves {modelId}.");
        }

        PredictionResult[] results;
        try
        {
            results = await silo.PredictAsync(items, context.RequestAborted);
        }
        catch (OperationCanceledException) when (context.RequestAborted.IsCancellationRequested)
        {
            return TypedResults.Empty; // the API gave up on this call; nobody reads an answer
        }
        return new PredictionResponseResult(results);
    }

    /// <summary>Reads the whole body (bounded by <see cref="PredictionWire.MaxRequestBytes"/>) and decodes it; null when it is too large.</summary>
    private static Task<PredictBody?> ReadBodyAsync(HttpContext context) =>
        BoundedRequestBody.ReadAsync(context, PredictionWire.MaxRequestBytes, 0, static (body, _) => Decode(body));

    private static PredictBody Decode(ReadOnlySequence<byte> body)
    {
        try
        {
            var items = PredictionRequestCodec.Read(body, out string modelId);
            return DuplicateKey(items) is { } duplicate
                ? new PredictBody(null, null, $"Item {duplicate} repeats the key of an earlier item; keys in one call must be distinct.")
                : new PredictBody(modelId, items, null);
        }
        catch (WireFormatException e)
        {
            return new PredictBody(null, null, e.Message);
        }
    }

    /// <summary>
    /// The index of the first item whose key an earlier item has, or null. IPredictionSilo requires distinct
    /// keys and the API dedupes before calling, so a repeat means a broken caller: it is refused (400), not
    /// silently merged, so that the bug shows where it is.
    /// </summary>
    private static int? DuplicateKey(PredictionItem[] items)
    {
        if (items.Length < 2)
        {
            return null;
        }
        var seen = new HashSet<PredictionKey>(items.Length);
        for (int i = 0; i < items.Length; i++)
        {
            if (!seen.Add(items[i].Key))
            {
                return i;
            }
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Internal call to {Path} from {RemoteAddress} refused: {Reason}")]
    private static partial void LogRefused(ILogger logger, string path, string? remoteAddress, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Malformed internal predict call refused: {Error}")]
    private static partial void LogMalformed(ILogger logger, string error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Internal predict call for model {RequestedModelId} refused: this silo serves {ModelId}")]
    private static partial void LogModelMismatch(ILogger logger, string requestedModelId, string modelId);
}
