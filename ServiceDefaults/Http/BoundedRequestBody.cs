using System.Buffers;
using System.IO.Pipelines;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;

namespace PredictionCluster.ServiceDefaults.Http;

/// <summary>
/// Buffers a whole request body up to a limit and hands it to a parser in one sequence: how both the public
/// <c>/predict</c> and the silo's internal call read their bodies.
/// </summary>
public static class BoundedRequestBody
{
    /// <summary>
    /// The parser's result, or null when the body is larger than <paramref name="limit"/> (answer 413).
    /// <paramref name="state"/> passes to <paramref name="parse"/> so that callers need no closure. Any other body
    /// error (malformed framing, too slow) throws Kestrel's <see cref="BadHttpRequestException"/>.
    /// </summary>
    public static async Task<TResult?> ReadAsync<TState, TResult>(HttpContext context, long limit, TState state, Func<ReadOnlySequence<byte>, TState, TResult> parse)
        where TResult : class
    {
        var (result, failure) = await TryReadAsync(context, limit, state, parse);
        if (failure is not null && failure.StatusCode != StatusCodes.Status413PayloadTooLarge)
        {
            throw failure;
        }
        return result;
    }

    /// <summary>
    /// The parser's result, or why the body could not be read, as Kestrel means it (<see cref="BadHttpRequestException.StatusCode"/>):
    /// 413 over <paramref name="limit"/>, 400 malformed framing (a bad chunk), 408 a body slower than Kestrel's
    /// minimum data rate, or a body Kestrel reads with an <see cref="IOException"/>. Each is the client's doing, so it is
    /// returned for a 4xx answer, never thrown.
    /// </summary>
    public static async Task<(TResult? Result, BadHttpRequestException? Failure)> TryReadAsync<TState, TResult>(
        HttpContext context, long limit, TState state, Func<ReadOnlySequence<byte>, TState, TResult> parse)
        where TResult : class
    {
        if (context.Request.ContentLength > limit)
        {
            return (null, TooLarge(limit));
        }
        // The limit is on the body's bytes, which the loop below counts itself. Kestrel's cap counts chunked
        // framing too (a 1-byte chunk costs 6 bytes), so it would refuse bodies within the limit; off for this read.
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } sizeFeature)
        {
            sizeFeature.MaxRequestBodySize = null;
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
        catch (BadHttpRequestException e)
        {
            return (null, e);
        }
        catch (IOException e)
        {
            // Kestrel reports some framing errors this way (a chunk size that overflows: "Bad chunk size data"),
            // as it does a connection the client reset mid-body; either way the body is the client's to fix.
            return (null, new BadHttpRequestException($"The request body could not be read: {e.Message}", StatusCodes.Status400BadRequest, e));
        }
        try
        {
            return read.Buffer.Length > limit ? (null, TooLarge(limit)) : (parse(read.Buffer, state), null);
        }
        finally
        {
            reader.AdvanceTo(read.Buffer.End);
        }
    }

    private static BadHttpRequestException TooLarge(long limit) =>
        new($"The request body is larger than {limit} bytes.", StatusCodes.Status413PayloadTooLarge);
}
