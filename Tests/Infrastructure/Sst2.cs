namespace Tests.Infrastructure;

/// <summary>Sentences of the SST-2 dev split, a realistic mix of lengths.</summary>
public static class Sst2
{
    public static IReadOnlyList<string> DevSentences { get; } = File.ReadLines(RepositoryPaths.Sst2Dev)
        .Skip(1)
        .Select(line => line.Split('\t')[0])
        .ToArray();
}
