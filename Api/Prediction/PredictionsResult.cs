using Microsoft.AspNetCore.Http.Metadata;

namespace Api.Prediction;

/// <summary>A 200 answer written straight into the response pipe by <see cref="PredictResponseWriter"/>.</summary>
public sealed class PredictionsResult(PredictResponseWriter writer, IReadOnlyList<float[]> scoresByText) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => StatusCodes.Status200OK;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        writer.Write(httpContext.Response.BodyWriter, scoresByText);
        await httpContext.Response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }
}
