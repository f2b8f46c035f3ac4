using Tests.Infrastructure;
using System.Diagnostics;
using System.Text;
using System.Text.Json;

namespace Tests.Tokenization;

/// <summary>Runs reference-tokenize.mjs (Hugging Face's JS tokenizers) once over a batch of texts.</summary>
internal static class ReferenceTokenizer
{
    public static long[][] Encode(string vocabularyPath, IReadOnlyList<string> texts)
    {
        string root = RepositoryPaths.Root;
        string nodeModules = Path.Combine(root, ".deps", "reference", "node_modules");
        if (!Directory.Exists(Path.Combine(nodeModules, "@huggingface", "tokenizers")))
        {
            throw new InvalidOperationException($"@huggingface/tokenizers is not installed under {nodeModules}: run scripts/setup.sh --test.");
        }

        var start = new ProcessStartInfo("node", [Path.Combine(root, "Tests", "Tokenization", "reference-tokenize.mjs")])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.Environment["NODE_PATH"] = nodeModules;

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        Task<string> output = process.StandardOutput.ReadToEndAsync();
        Task<string> error = process.StandardError.ReadToEndAsync();
        process.StandardInput.Write(JsonSerializer.Serialize(new { vocab = vocabularyPath, texts }));
        process.StandardInput.Close();
        if (!process.WaitForExit(TimeSpan.FromMinutes(2)))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException("reference-tokenize.mjs did not finish within 2 minutes.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"reference-tokenize.mjs failed ({process.ExitCode}): {error.Result}");
        }

        long[][] result = JsonSerializer.Deserialize<long[][]>(output.Result)
            ?? throw new InvalidDataException("reference-tokenize.mjs printed no result.");
        Assert.Equal(texts.Count, result.Length);
        return result;
    }
}
