namespace Tests.Infrastructure;

/// <summary>A theory that needs <see cref="NonLoopbackAddress"/>: skipped, and reported as such, on a machine without one.</summary>
public sealed class NonLoopbackTheoryAttribute : TheoryAttribute
{
    public NonLoopbackTheoryAttribute()
    {
        if (NonLoopbackAddress.Find is null)
        {
            Skip = NonLoopbackFactAttribute.SkipReason;
        }
    }
}
