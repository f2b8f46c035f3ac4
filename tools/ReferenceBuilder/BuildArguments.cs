namespace ReferenceBuilder;

/// <summary>The command line: which model, over which sentences, with which service settings.</summary>
internal sealed record BuildArguments(string ModelPath, string DataPath, string ConfigPath, string Source)
{
    public static BuildArguments Parse(IReadOnlyList<string> args)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int i = 0; i < args.Count; i += 2)
        {
            if (!args[i].StartsWith("--", StringComparison.Ordinal) || i + 1 >= args.Count)
            {
                throw new ArgumentException($"expected --name value pairs, got '{args[i]}' (usage: --model DIR [--data TSV] [--config APPSETTINGS] [--source NAME])");
            }
            values[args[i][2..]] = args[i + 1];
        }
        var unknown = values.Keys.Except(["model", "data", "config", "source"]).ToArray();
        if (unknown.Length > 0)
        {
            throw new ArgumentException($"unknown option(s) {string.Join(", ", unknown.Select(u => "--" + u))}");
        }
        if (!values.TryGetValue("model", out string? model))
        {
            throw new ArgumentException("--model DIR is required");
        }
        string root = RepositoryRoot();
        string data = values.GetValueOrDefault("data") ?? Path.Combine(root, "eval", "data", "sst2", "dev.tsv");
        string config = values.GetValueOrDefault("config") ?? Path.Combine(root, "Api", "appsettings.json");
        // The source is for people reading the file: the data path relative to the repository when it is inside.
        string relative = Path.GetRelativePath(root, Path.GetFullPath(data));
        string source = values.GetValueOrDefault("source")
            ?? (relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? Path.GetFullPath(data) : relative.Replace('\\', '/'));
        return new BuildArguments(model, data, config, source);
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cluster.sln")))
            {
                return dir.FullName;
            }
        }
        return Directory.GetCurrentDirectory();
    }
}
