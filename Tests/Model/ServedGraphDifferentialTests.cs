using System.Text.Json;
using Tests.Infrastructure;
using Tests.Tokenization;
using Xunit.Abstractions;

namespace Tests.Model;

/// <summary>
/// The default model (models/default, the float model's INT8 copy), served through the API, gives the scores raw ONNX
/// Runtime gives on the same graph: Hugging Face's tokenizer, its own model.onnx in onnxruntime-node, one text a run,
/// softmax of its logits. Texts go one per request, one after another, so the service runs each alone as the reference
/// does (its activation scales are fixed, so batching would not change them either: InferenceEngineTests).
/// </summary>
public sealed class ServedGraphDifferentialTests(EmbeddedApiFactory factory, ITestOutputHelper output) : IClassFixture<EmbeddedApiFactory>
{
    private const double Tolerance = 1e-4;

    private static readonly string[] TrickyTexts =
    [
        "",
        "I love it 😀",
        "Crème Brûlée was naïve, the Ångström café too.",
        "[CLS] [SEP] [PAD] [MASK] [UNK]",
        "It isn't bad at all, but boring.",
        "NOT GOOD!!!",
        string.Concat(Enumerable.Repeat("a truly great film and a terrible waste of time ", 60)), // past the token limit
    ];

    private readonly HttpClient _client = factory.CreateClient();

    [Fact]
    public async Task Served_scores_match_onnx_runtime_on_the_served_graph()
    {
        string model = RepositoryPaths.DefaultModel;
        var texts = File.ReadLines(RepositoryPaths.Sst2Dev).Skip(1).Take(32)
            .Concat(File.ReadLines(RepositoryPaths.Sst2Test).Skip(1).Take(16))
            .Select(line => line.Split('\t')[0])
            .Concat(TrickyTexts)
            .ToArray();
        using var config = JsonDocument.Parse(File.ReadAllText(Path.Combine(model, "config.json")));
        int maxTokens = config.RootElement.GetProperty("max_position_embeddings").GetInt32();

        var served = new double[texts.Length][];
        for (int i = 0; i < texts.Length; i++)
        {
            served[i] = (await ServedScores.OfAsync(_client, texts[i]))[0];
        }
        var ids = ReferenceTokenizer.Encode(Path.Combine(model, "vocab.txt"), texts).Select(i => ServedScores.Truncate(i, maxTokens)).ToArray();
        var reference = Reference(Path.Combine(model, "model.onnx"), ids);

        var (worst, worstText) = ServedScores.LargestDifference(served, reference, texts);
        string kind = config.RootElement.TryGetProperty("quantization", out var q) ? q.GetProperty("kind").GetString()! : "float";
        output.WriteLine($"{kind} graph, {texts.Length} texts: max |served - onnxruntime-node| = {worst:E2} on '{worstText}'");
        Assert.True(worst < Tolerance, $"max |served - reference| = {worst:E2} on '{worstText}'");
        Assert.True(reference.Max(p => p[1]) > 0.9 && reference.Min(p => p[1]) < 0.1);
    }

    /// <summary>softmax(logits) of each id list run alone by onnxruntime-node (Tests/Session/run_reference.js).</summary>
    private static double[][] Reference(string graph, long[][] ids)
    {
        string reference = Path.Combine(RepositoryPaths.Root, ".deps", "reference");
        string request = Path.Combine(Path.GetTempPath(), $"served-graph-reference-{Guid.NewGuid():N}.json");
        var cases = ids.Select(row => new
        {
            rows = 1,
            columns = row.Length,
            inputs = new Dictionary<string, long[]>
            {
                ["input_ids"] = row,
                ["attention_mask"] = [.. row.Select(_ => 1L)],
                ["token_type_ids"] = new long[row.Length],
            },
        });
        File.WriteAllText(request, JsonSerializer.Serialize(new { model = graph, output = "logits", cases }));
        try
        {
            string output = ExternalCommand.OutputOf("node",
                [Path.Combine(RepositoryPaths.Root, "Tests", "Session", "run_reference.js"), Path.Combine(reference, "onnxruntime-node", "dist", "index.js"), request],
                TimeSpan.FromMinutes(3), new Dictionary<string, string> { ["NODE_PATH"] = Path.Combine(reference, "node_modules") });
            using var document = JsonDocument.Parse(output);
            return document.RootElement.EnumerateArray().Select(result =>
            {
                var logits = result.GetProperty("data").EnumerateArray().Select(v => v.GetDouble()).ToArray();
                double top = logits.Max();
                var e = logits.Select(l => Math.Exp(l - top)).ToArray();
                return e.Select(v => v / e.Sum()).ToArray();
            }).ToArray();
        }
        finally
        {
            File.Delete(request);
        }
    }
}
