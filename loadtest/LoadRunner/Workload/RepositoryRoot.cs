namespace LoadRunner.Workload;

/// <summary>Finds the repository (the directory holding Cluster.sln) for default inputs such as the SST-2 split.</summary>
internal static class RepositoryRoot
{
    /// <summary>The repository's SST-2 dev split, the default text source, relative to the root.</summary>
    public static readonly string DefaultTextsRelativePath = Path.Combine("eval", "data", "sst2", "dev.tsv");

    /// <summary>The first directory holding Cluster.sln above the executable, else above the working directory; null if none.</summary>
    public static string? Find()
    {
        // The executable first: `dotnet run` from anywhere and a test host both live under the repository.
        return FindAbove(AppContext.BaseDirectory) ?? FindAbove(Directory.GetCurrentDirectory());
    }

    private static string? FindAbove(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Cluster.sln")))
            {
                return directory.FullName;
            }
        }
        return null;
    }
}
