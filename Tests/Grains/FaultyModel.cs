using System.Diagnostics;
using PredictionCluster.Inference.Batching;
using PredictionCluster.Inference.Model;

namespace Tests.Grains;

/// <summary>
/// The tiny model of make_faulty_model.py, built into a temp directory once per test class: "overflow overflow"
/// makes its logits overflow to infinity, "crash" makes its run fail, "good" and "bad" are ordinary words.
/// </summary>
public sealed class FaultyModel : IDisposable
{
    public const string Overflowing = "overflow overflow";
    public const string LargeButFinite = "overflow";
    public const string Crashing = "crash";

    private readonly Lazy<SentimentModel> _model;

    public FaultyModel()
    {
        Directory = Path.Combine(Path.GetTempPath(), "faulty-model-" + Guid.NewGuid().ToString("N"));
        string script = Path.Combine(Infrastructure.RepositoryPaths.Root, "Tests", "Grains", "make_faulty_model.py");
        using var python = Process.Start(new ProcessStartInfo("/usr/bin/python3", [script, Directory]) { RedirectStandardError = true })!;
        string errors = python.StandardError.ReadToEnd();
        python.WaitForExit();
        if (python.ExitCode != 0)
        {
            throw new InvalidOperationException($"make_faulty_model.py failed: {errors}");
        }
        _model = new(() => SentimentModel.Load(ModelDirectory.Open(Directory), new InferenceOptions { IntraOpThreads = 1 }.ToSessionSettings()));
    }

    /// <summary>The model directory (model.onnx, vocab.txt, config.json).</summary>
    public string Directory { get; }

    /// <summary>The model loaded in this process, on first use.</summary>
    public SentimentModel Model => _model.Value;

    public void Dispose()
    {
        if (_model.IsValueCreated)
        {
            _model.Value.Dispose();
        }
        System.IO.Directory.Delete(Directory, recursive: true);
    }
}
