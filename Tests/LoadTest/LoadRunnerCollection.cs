namespace Tests.LoadTest;

/// <summary>
/// Tests that generate load run one at a time, after the parallel ones: they saturate the cores for a second or two,
/// which would disturb timing-sensitive tests running beside them (and be disturbed by them).
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class LoadRunnerCollection
{
    public const string Name = "LoadRunner";
}
