namespace Benchmarks;

/// <summary>
/// Finds the repository's default inputs (models, SST-2 data) whether the tool is started from the repository root
/// (<c>dotnet run --project tools/Benchmarks</c>), from its own folder, or from a test's output directory.
/// </summary>
internal static class RepositoryFiles
{
    public const string BenchmarkModel = "models/distilbert-bench";
    public const string Sst2Dev = "eval/data/sst2/dev.tsv";
    public const string Sst2Test = "eval/data/sst2/test.tsv";
    public const string DefaultVocabulary = "models/default/vocab.txt";

    /// <summary>
    /// <paramref name="path"/> as given when it exists (absolute, or relative to the current directory); otherwise,
    /// for a relative path, the same path under the first parent of the executable that holds Cluster.sln.
    /// </summary>
    public static string Resolve(string path)
    {
        if (Path.IsPathRooted(path) || File.Exists(path) || Directory.Exists(path))
        {
            return Path.GetFullPath(path);
        }
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cluster.sln")))
            {
                return Path.GetFullPath(Path.Combine(dir.FullName, path));
            }
        }
        return Path.GetFullPath(path);
    }
}
