using System.Diagnostics;
using PredictionCluster.Inference.Model;
using Tests.Infrastructure;

namespace Tests.Model;

/// <summary>
/// The INT8 option: the quantized DistilBERT-shaped model serves through the same path, agrees with the float
/// model, and is what ModelBuilder's numpy arithmetic says it is (checked against onnxruntime-node).
/// </summary>
public sealed class QuantizedModelTests(BenchmarkModelFixture float32, Int8BenchmarkModelFixture int8)
    : IClassFixture<BenchmarkModelFixture>, IClassFixture<Int8BenchmarkModelFixture>
{
    [Fact]
    public void Int8_model_agrees_with_the_float_model_on_sst2_sentences()
    {
        var texts = Sst2.DevSentences.Take(64).ToArray();
        var a = Scores(float32.Model, texts);
        var b = Scores(int8.Model, texts);

        int agree = 0;
        double maxDifference = 0;
        for (int i = 0; i < texts.Length; i++)
        {
            agree += (a[i][1] > a[i][0]) == (b[i][1] > b[i][0]) ? 1 : 0;
            maxDifference = Math.Max(maxDifference, Math.Abs(a[i][1] - b[i][1]));
        }
        Assert.True(agree >= 60, $"labels agree on {agree}/64");
        Assert.True(maxDifference < 0.02, $"max |P(positive) float - int8| = {maxDifference}");
        Assert.NotEqual(float32.Model.Directory.ModelId, int8.Model.Directory.ModelId);
        Assert.True(new FileInfo(int8.Model.Directory.ModelPath).Length < new FileInfo(float32.Model.Directory.ModelPath).Length * 0.6);
    }

    [Theory]
    [InlineData("distilbert-bench")]
    [InlineData("distilbert-bench-int8")]
    public async Task ModelBuilder_graph_matches_its_numpy_forward_pass_under_onnxruntime_node(string model)
    {
        // build_model.py verify: rebuilds the graph (byte-identical), runs it in onnxruntime-node and compares
        // the logits with numpy (float: 1e-4; INT8: the same integer arithmetic in numpy, 2e-2 for rounding flips).
        string stdout = await ModelBuilderAsync("verify", "--model-dir", Path.Combine(RepositoryPaths.Root, "models", model));
        Assert.Contains("OK (tolerance", stdout);
    }

    [Fact]
    public async Task A_copy_made_by_quantize_passes_verify()
    {
        // `quantize` (for any model directory) marks its copy's config differently from `distilbert --int8`;
        // verify must recognise both. A one-layer model keeps this quick.
        string directory = Path.Combine(Path.GetTempPath(), $"quantize-{Guid.NewGuid():N}");
        try
        {
            string source = Path.Combine(directory, "float"), copy = Path.Combine(directory, "int8");
            await ModelBuilderAsync("distilbert", "--vocab-json", Path.Combine(RepositoryPaths.Root, ".deps", "data", "bert-vocab.json"),
                "--out", source, "--layers", "1");
            Assert.Contains("quantized 8 linear layers", await ModelBuilderAsync("quantize", "--model-dir", source, "--out", copy));
            Assert.Contains("OK (tolerance 0.02)", await ModelBuilderAsync("verify", "--model-dir", copy));
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    /// <summary>Runs tools/ModelBuilder/build_model.py with <paramref name="arguments"/>; asserts exit 0 and returns its output.</summary>
    private static async Task<string> ModelBuilderAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("/usr/bin/python3")
        {
            ArgumentList = { Path.Combine(RepositoryPaths.Root, "tools", "ModelBuilder", "build_model.py") },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await process.WaitForExitAsync(timeout.Token);
        string stdout = await output, stderr = await error;
        Assert.True(process.ExitCode == 0, $"build_model.py {string.Join(' ', arguments)}: {stdout}\n{stderr}");
        return stdout;
    }

    private static float[][] Scores(SentimentModel model, string[] texts) => texts.Select(text =>
    {
        var ids = new long[model.MaxTokens];
        int length = model.Tokenizer.Encode(text, ids);
        var logits = new float[model.LabelCount];
        model.Run([ids[..length], Enumerable.Repeat(1L, length).ToArray()], 1, length, logits);
        float max = logits.Max();
        var exp = logits.Select(l => MathF.Exp(l - max)).ToArray();
        return exp.Select(e => e / exp.Sum()).ToArray();
    }).ToArray();
}
