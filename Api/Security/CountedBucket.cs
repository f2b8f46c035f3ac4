using System.Threading.RateLimiting;

namespace PredictionCluster.Api.Security;

/// <summary>
/// A token bucket that says when the partitioned limiter lets go of it. The limiter drops a bucket that has stayed full
/// for a while by disposing it and has no other signal; <see cref="ClientPartitions"/> counts buckets by it.
/// </summary>
internal sealed class CountedBucket(TokenBucketRateLimiter bucket, Action<CountedBucket> released) : ReplenishingRateLimiter
{
    private int _released;

    // A ReplenishingRateLimiter that does not replenish itself is what the partitioned limiter's timer replenishes.
    public override bool IsAutoReplenishing => bucket.IsAutoReplenishing;

    public override TimeSpan ReplenishmentPeriod => bucket.ReplenishmentPeriod;

    public override TimeSpan? IdleDuration => bucket.IdleDuration;

    public override bool TryReplenish() => bucket.TryReplenish();

    public override RateLimiterStatistics? GetStatistics() => bucket.GetStatistics();

    protected override RateLimitLease AttemptAcquireCore(int permitCount) => bucket.AttemptAcquire(permitCount);

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken cancellationToken) =>
        bucket.AcquireAsync(permitCount, cancellationToken);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            Release();
        }
    }

    protected override ValueTask DisposeAsyncCore()
    {
        Release();
        return ValueTask.CompletedTask;
    }

    private void Release()
    {
        // Dispose and DisposeAsync may both come; the bucket is let go of once.
        if (Interlocked.Exchange(ref _released, 1) == 0)
        {
            bucket.Dispose();
            released(this);
        }
    }
}
