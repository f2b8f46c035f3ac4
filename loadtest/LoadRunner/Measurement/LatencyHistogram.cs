using System.Numerics;

namespace LoadRunner.Measurement;

/// <summary>
/// A log-linear histogram of non-negative integer values (the runner records microseconds), in the manner of
/// HdrHistogram: fixed memory, lock-free recording from any thread, and percentiles with a bounded relative error.
/// </summary>
/// <remarks>
/// Values below 256 each have their own bucket (exact). Above, every power of two [2^k, 2^(k+1)) is split into 128
/// equal buckets of width 2^(k-7), so a bucket is at most 1/128 of its lowest value wide. A percentile is reported as
/// the middle of the bucket holding the value of that rank, hence within <see cref="RelativePrecision"/> (1/256,
/// 0.4 %) of the exact value, and clamped to the exact minimum and maximum. Values above
/// <see cref="HighestTrackableValue"/> (2^36 - 1, 19 hours in microseconds) are counted in the last bucket; the
/// maximum stays exact.
/// </remarks>
internal sealed class LatencyHistogram
{
    /// <summary>The largest error of a reported percentile, relative to the exact value of that rank.</summary>
    public const double RelativePrecision = 1.0 / 256;

    /// <summary>Values above this share the last bucket (their maximum is still exact).</summary>
    public const long HighestTrackableValue = (1L << MaxExponent) - 1;

    private const int LinearBits = 8;
    private const int LinearCount = 1 << LinearBits;
    private const int SubBucketsPerPowerOfTwo = LinearCount / 2;
    private const int MaxExponent = 36;
    private const int BucketCount = LinearCount + (MaxExponent - LinearBits) * SubBucketsPerPowerOfTwo;

    private readonly long[] _counts = new long[BucketCount];
    private long _count;
    private long _sum;
    private long _min = long.MaxValue;
    private long _max = long.MinValue;

    /// <summary>Values recorded.</summary>
    public long Count => Volatile.Read(ref _count);

    /// <summary>The smallest value recorded, exact; 0 when empty.</summary>
    public long Min => Count == 0 ? 0 : Volatile.Read(ref _min);

    /// <summary>The largest value recorded, exact; 0 when empty.</summary>
    public long Max => Count == 0 ? 0 : Volatile.Read(ref _max);

    /// <summary>The exact mean of the recorded values; 0 when empty.</summary>
    public double Mean => Count == 0 ? 0 : (double)Interlocked.Read(ref _sum) / Count;

    /// <summary>Counts one value; safe to call from many threads at once.</summary>
    public void Record(long value)
    {
        if (value < 0)
        {
            value = 0;
        }
        Interlocked.Increment(ref _counts[BucketIndex(value)]);
        Interlocked.Add(ref _sum, value);
        Interlocked.Increment(ref _count);
        UpdateMin(value);
        UpdateMax(value);
    }

    /// <summary>Adds every value of <paramref name="other"/> to this histogram.</summary>
    public void Merge(LatencyHistogram other)
    {
        if (other.Count == 0)
        {
            return;
        }
        for (int i = 0; i < BucketCount; i++)
        {
            long count = Volatile.Read(ref other._counts[i]);
            if (count != 0)
            {
                Interlocked.Add(ref _counts[i], count);
            }
        }
        Interlocked.Add(ref _sum, Interlocked.Read(ref other._sum));
        Interlocked.Add(ref _count, other.Count);
        UpdateMin(other.Min);
        UpdateMax(other.Max);
    }

    /// <summary>
    /// The value at <paramref name="percentile"/> (0 to 100) by nearest rank, the value below which that share of the
    /// recorded values lie, within <see cref="RelativePrecision"/>; 0 when empty. 100 is the exact maximum.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        long count = Count;
        if (count == 0)
        {
            return 0;
        }
        long rank = (long)Math.Ceiling(Math.Clamp(percentile, 0, 100) / 100 * count);
        rank = Math.Clamp(rank, 1, count);
        if (rank == count)
        {
            return Max;
        }
        long cumulative = 0;
        for (int i = 0; i < BucketCount; i++)
        {
            cumulative += Volatile.Read(ref _counts[i]);
            if (cumulative >= rank)
            {
                long middle = LowestValueOf(i) + (WidthOf(i) >> 1);
                return Math.Clamp(middle, Min, Max);
            }
        }
        return Max;
    }

    private static int BucketIndex(long value)
    {
        if (value < LinearCount)
        {
            return (int)value;
        }
        value = Math.Min(value, HighestTrackableValue);
        int exponent = 63 - BitOperations.LeadingZeroCount((ulong)value);
        int shift = exponent - (LinearBits - 1);
        // value >> shift lies in [128, 256): the sub-bucket within this power of two, offset by 128.
        return LinearCount + (exponent - LinearBits) * SubBucketsPerPowerOfTwo + (int)((value >> shift) - SubBucketsPerPowerOfTwo);
    }

    private static long LowestValueOf(int index)
    {
        if (index < LinearCount)
        {
            return index;
        }
        int octave = (index - LinearCount) / SubBucketsPerPowerOfTwo;
        int subBucket = (index - LinearCount) % SubBucketsPerPowerOfTwo;
        return (long)(subBucket + SubBucketsPerPowerOfTwo) << (octave + 1);
    }

    private static long WidthOf(int index) =>
        index < LinearCount ? 1 : 1L << ((index - LinearCount) / SubBucketsPerPowerOfTwo + 1);

    private void UpdateMin(long value)
    {
        long current = Volatile.Read(ref _min);
        while (value < current)
        {
            long seen = Interlocked.CompareExchange(ref _min, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }

    private void UpdateMax(long value)
    {
        long current = Volatile.Read(ref _max);
        while (value > current)
        {
            long seen = Interlocked.CompareExchange(ref _max, value, current);
            if (seen == current)
            {
                return;
            }
            current = seen;
        }
    }
}
