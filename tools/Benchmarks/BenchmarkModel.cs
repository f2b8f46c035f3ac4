using System.Diagnostics;
using PredictionCluster.Inference.Batching;
using PredictionCluster.Inference.Model;
using PredictionCluster.Inference.Session;

namespace Benchmarks;

/// <summary>
/// The model under test, loaded exactly as the silo loads it (<see cref="SentimentModel.Load"/> with the session
/// settings of the service's <see cref="InferenceOptions"/>), plus the options it was loaded with.
/// </summary>
internal sealed class BenchmarkModel : IDisposable
{
    private BenchmarkModel(SentimentModel model, InferenceOptions options, TimeSpan openTime)
    {
        Model = model;
        Options = options;
        SessionSettings = options.ToSessionSettings();
        OpenTime = openTime;
    }

    public SentimentModel Model { get; }

    public InferenceOptions Options { get; }

    public SessionSettings SessionSettings { get; }

    /// <summary>Time to open the session (includes ORT's graph optimization), worth knowing for restarts.</summary>
    public TimeSpan OpenTime { get; }

    public static BenchmarkModel Load(BenchmarkModelSettings settings)
    {
        var directory = ModelDirectory.Open(settings.ModelPath, settings.MaxTokensOverride);
        long started = Stopwatch.GetTimestamp();
        var model = SentimentModel.Load(directory, settings.Options.ToSessionSettings());
        return new BenchmarkModel(model, settings.Options, Stopwatch.GetElapsedTime(started));
    }

    public void Dispose() => Model.Dispose();
}
