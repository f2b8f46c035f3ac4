using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;

namespace PredictionCluster.Api.Security;

/// <summary>
/// The per-client policy of ASP.NET Core's rate limiter: a token bucket per client (<see cref="ClientPartitions"/>), and
/// a 429 problem with <c>Retry-After</c> for a client over its rate.
/// </summary>
public static class ClientRateLimiting
{
    public const string PolicyName = "PerClient";

    public static void Configure(RateLimiterOptions limiter, ClientPartitions partitions)
    {
        limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
        limiter.OnRejected = WriteRejectionAsync;
        limiter.AddPolicy(PolicyName, context => RateLimitPartition.Get(partitions.PartitionOf(context), partitions.CreateBucket));
    }

    private static async ValueTask WriteRejectionAsync(OnRejectedContext rejected, CancellationToken cancellationToken)
    {
        var context = rejected.HttpContext;
        // The bucket knows when enough tokens are back; Retry-After is whole seconds, at least one.
        int seconds = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)) : 1;
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>().WriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = StatusCodes.Status429TooManyRequests,
                Title = "Too many requests",
                Detail = $"This client is over its rate limit; retry after {seconds} second(s).",
            },
        });
    }
}
