namespace Tests.Infrastructure;

/// <summary>A test that needs <see cref="NonLoopbackAddress"/>: skipped, and reported as such, on a machine without one.</summary>
public sealed class NonLoopbackFactAttribute : FactAttribute
{
    public const string SkipReason = "This machine has no non-loopback IPv4 address to receive requests from beyond loopback on.";

    public NonLoopbackFactAttribute()
    {
        if (NonLoopbackAddress.Find is null)
        {
            Skip = SkipReason;
        }
    }
}
