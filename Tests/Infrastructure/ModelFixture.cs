using PredictionCluster.Inference.Batching;
using PredictionCluster.Inference.Model;

namespace Tests.Infrastructure;

/// <summary>Loads a model directory once for a test class; disposes the native session after.</summary>
public abstract class ModelFixture(string path, int maxTokens = 0) : IDisposable
{
    public SentimentModel Model { get; } = SentimentModel.Load(ModelDirectory.Open(path, maxTokens), new InferenceOptions { IntraOpThreads = 2 }.ToSessionSettings());

    public void Dispose()
    {
        Model.Dispose();
        GC.SuppressFinalize(this);
    }
}

public sealed class DefaultModelFixture() : ModelFixture(RepositoryPaths.DefaultModel);

/// <summary>The float model the default is quantized from (models/default-float).</summary>
public sealed class FloatModelFixture() : ModelFixture(RepositoryPaths.FloatModel);

/// <summary>The DistilBERT-shaped model, cut to 128 tokens so tests stay quick on two cores.</summary>
public sealed class BenchmarkModelFixture() : ModelFixture(RepositoryPaths.BenchmarkModel, 128);

/// <summary>The DistilBERT-shaped model's INT8 quantization, cut to 128 tokens like <see cref="BenchmarkModelFixture"/>.</summary>
public sealed class Int8BenchmarkModelFixture() : ModelFixture(RepositoryPaths.BenchmarkModelInt8, 128);
