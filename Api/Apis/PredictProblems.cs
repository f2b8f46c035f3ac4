using PredictionCluster.Api.Prediction;
using PredictionCluster.Inference.Batching;

namespace PredictionCluster.Api.Apis;

/// <summary>
/// Every problem answer of <c>POST /predict</c> other than field validation, in one place: what each failure means
/// to the client (status, title, whether to retry). The README's error table lists the same.
/// </summary>
public static class PredictProblems
{
    /// <summary>415: the body is not declared as UTF-8 JSON. No Accept-Encoding: RFC 9110 keeps that header for refused codings.</summary>
    public static IResult UnsupportedMediaType(string detail) =>
        TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported Content-Type", detail: detail);

    /// <summary>
    /// 415 for a compressed body (RFC 9110 §15.5.16), with <c>Accept-Encoding: identity</c> so the client can tell a
    /// refused coding from a refused media type (§12.5.3).
    /// </summary>
    public static IResult UnsupportedContentCoding(HttpContext context, string detail)
    {
        context.Response.Headers.AcceptEncoding = ContentCoding.Identity;
        return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported Content-Encoding", detail: detail);
    }

    /// <summary>
    /// The body could not be read, as Kestrel (or our own byte count) says: 413 too large, 408 slower than the
    /// minimum data rate (a body that stops short of its Content-Length on an open connection included), 400 malformed
    /// chunk framing.
    /// </summary>
    public static IResult BodyUnreadable(BadHttpRequestException failure, ApiOptions limits) => failure.StatusCode switch
    {
        StatusCodes.Status413PayloadTooLarge => TypedResults.Problem(statusCode: StatusCodes.Status413PayloadTooLarge, title: "Request body too large",
            detail: $"The body is larger than {limits.MaxBodyBytes} bytes; send fewer or shorter texts per request."),
        StatusCodes.Status408RequestTimeout => TypedResults.Problem(statusCode: StatusCodes.Status408RequestTimeout, title: "Request body too slow",
            detail: "The body arrived more slowly than the server's minimum data rate."),
        // Kestrel's codes are all 4xx (the client's doing); anything else is reported as a malformed body.
        var status and >= 400 and < 500 => TypedResults.Problem(statusCode: status, title: "Malformed request body", detail: failure.Message),
        _ => TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Malformed request body", detail: failure.Message),
    };

    /// <summary>503 with Retry-After: the request was sound, the service cannot take it right now.</summary>
    public static IResult Unavailable(HttpContext context, ApiOptions limits, string title, string detail)
    {
        context.Response.Headers.RetryAfter = limits.RetryAfterSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: title, detail: $"{detail} Retry after {limits.RetryAfterSeconds} second(s).");
    }

    /// <summary>
    /// 503 for overload: the request would have waited past the inference queueing budget, so nothing of it was
    /// computed. Retry-After is the expected wait the engine gave (the time the work ahead needs), in whole seconds,
    /// at least <see cref="ApiOptions.RetryAfterSeconds"/>.
    /// </summary>
    public static IResult Overloaded(HttpContext context, ApiOptions limits, TimeSpan expectedWait)
    {
        int seconds = (int)Math.Max(limits.RetryAfterSeconds, Math.Ceiling(Math.Min(expectedWait.TotalSeconds, 3600)));
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        return TypedResults.Problem(statusCode: StatusCodes.Status503ServiceUnavailable, title: "Overloaded",
            detail: $"The service would not answer this request within its queueing budget; nothing of it was computed. Retry after {seconds} second(s).");
    }

    /// <summary>
    /// 500: the model could not score a text (its run failed, or it produced an infinite or NaN score). Nothing was
    /// cached, so a retry runs the model again; the engine logs the fault (throttled), not each request.
    /// </summary>
    public static IResult ModelFailed(InferenceFailure reason) => reason switch
    {
        InferenceFailure.NonFiniteScore => TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError,
            title: "The model produced a non-finite score",
            detail: "The model's output for a text of this request is infinite or NaN; no prediction was made or cached for it."),
        _ => TypedResults.Problem(statusCode: StatusCodes.Status500InternalServerError,
            title: "The model failed to run",
            detail: "Running the model on a batch that held a text of this request failed; no prediction was made or cached for it."),
    };
}
