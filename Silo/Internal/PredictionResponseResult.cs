using Grains.Interfaces;
using Grains.Interfaces.Wire;
using Microsoft.AspNetCore.Http.Metadata;

namespace Silo.Internal;

/// <summary>The 200 answer of <c>POST /internal/predict</c>, written with <see cref="PredictionResponseCodec"/> straight into the response pipe.</summary>
internal sealed class PredictionResponseResult(PredictionResult[] results) : IResult, IStatusCodeHttpResult, IContentTypeHttpResult
{
    public int? StatusCode => StatusCodes.Status200OK;

    public string ContentType => PredictionWire.ContentType;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = PredictionWire.ContentType;
        PredictionResponseCodec.Write(response.BodyWriter, results);
        await response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }
}
