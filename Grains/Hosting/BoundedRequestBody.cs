using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace Grains.Hosting;

/// <summary>
/// Buffers a whole request body up to a limit and hands it to a parser in one sequence: how both the public
/// <c>/predict</c> and the silo's internal call read their bodies.
/// </summary>
public static class BoundedRequestBody
{
    /// <summary>
    /// The parser's result, or null when the body is larger than <paramref name="limit"/> (answer 413).
    /// <paramref name="state"/> passes to <paramref name="parse"/> so that callers need no closure.
    /// </summary>
    public static async Task<TResult?> ReadAsync<TState, TResult>(HttpContext context, long limit, TState state, Func<ReadOnlySequence<byte>, TState, TResult> parse)
        where TResult : class
    {
        if (context.Request.ContentLength > limit)
        {
            return null;
        }
        // Kestrel enforces the same cap while the body streams in, for bodies without a Content-Length.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = limit;
        }

        PipeReader reader = context.Request.BodyReader;
        ReadResult read;
        try
        {
            // A loop rather than ReadAtLeastAsync(limit), which a stream-backed reader would serve by renting
            // one buffer of the limit's size whatever the body's.
            while (true)
            {
                read = await reader.ReadAsync(context.RequestAborted);
                if (read.IsCompleted || read.Buffer.Length > limit)
                {
                    break;
                }
                reader.AdvanceTo(read.Buffer.Start, read.Buffer.End);
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return null;
        }
        try
        {
            return read.Buffer.Length > limit ? null : parse(read.Buffer, state);
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
        }
    }
}
