using PredictionCluster.Grains.Interfaces;
using PredictionCluster.Inference.Drift;
using PredictionCluster.Inference.Model;
using Tests.Infrastructure;

namespace Tests.Metrics;

/// <summary>
/// In cluster mode the API has no model directory: the silo sends the reference in the model descriptor (a new
/// optional field, serialized by Orleans between client and silo), and the API's model learning receives it intact.
/// </summary>
public sealed class DriftClusterTests : IDisposable
{
    private readonly string _model = Directory.CreateTempSubdirectory("drift-cluster-").FullName;

    public void Dispose() => Directory.Delete(_model, recursive: true);

    [Fact]
    public async Task The_silo_sends_its_models_reference_in_the_descriptor()
    {
        // The small lexicon model, with a reference of a few hand-made answers.
        foreach (string name in new[] { ModelDirectory.ModelFileName, ModelDirectory.VocabularyFileName, ModelDirectory.ConfigFileName })
        {
            File.Copy(Path.Combine(RepositoryPaths.LexiconModel, name), Path.Combine(_model, name));
        }
        var counter = new DriftReferenceCounter(ModelDirectory.Open(_model), "hand-made");
        counter.Add([0.9f, 0.1f]);
        counter.Add([0.8f, 0.2f]);
        counter.Add([0.4f, 0.6f]);
        var written = counter.ToReference();
        written.Write(Path.Combine(_model, DriftReference.FileName));

        await using var cluster = await PredictionTestCluster.StartAsync(silos: 1, modelPath: _model);
        await cluster.StartRouterAsync();

        var reference = Assert.IsType<ModelReference>(cluster.Model.Current!.Reference);
        Assert.Equal(written.LabelCounts, reference.LabelCounts);
        Assert.Equal(written.ScoreBounds, reference.ScoreBounds);
        Assert.Equal(written.ScoreCounts, reference.ScoreCounts);
    }
}
