using PredictionCluster.Grains.Interfaces;

namespace PredictionCluster.Api.Prediction;

/// <summary>A 200 answer written straight into the response pipe by <see cref="PredictResponseWriter"/>.</summary>
public sealed class PredictionsResult(PredictResponseWriter writer, ModelDescriptor model, IReadOnlyList<float[]> scoresByText) : IResult, IStatusCodeHttpResult
{
    public int? StatusCode => StatusCodes.Status200OK;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = "application/json; charset=utf-8";
        writer.Write(httpContext.Response.BodyWriter, model, scoresByText);
        await httpContext.Response.BodyWriter.FlushAsync(httpContext.RequestAborted);
    }
}
