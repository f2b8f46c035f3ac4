using PredictionCluster.Inference.Drift;
using PredictionCluster.Inference.Model;
using Tests.Infrastructure;

namespace Tests.Model;

/// <summary>
/// <c>reference.json</c> in a model directory: optional, read with the directory, refused at startup when malformed,
/// ignored (with the reason) when computed for another model id.
/// </summary>
public sealed class DriftReferenceFileTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("drift-ref-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    [Fact]
    public void Without_a_reference_the_directory_has_none()
    {
        var directory = ModelDirectory.Open(CopyLexiconModel());

        Assert.Null(directory.Reference);
        Assert.Null(directory.ReferenceIgnored);
    }

    [Fact]
    public void A_written_reference_is_read_back_with_its_counts_and_does_not_change_the_model_id()
    {
        string root = CopyLexiconModel();
        var before = ModelDirectory.Open(root);
        var counter = new DriftReferenceCounter(before, "hand-made");
        counter.Add([0.9f, 0.1f]);
        counter.Add([0.3f, 0.7f]);
        counter.Add([0.02f, 0.98f]);
        counter.Add([0.5f, 0.5f]); // a tie goes to the first label
        counter.ToReference().Write(Path.Combine(root, DriftReference.FileName));

        var directory = ModelDirectory.Open(root);

        Assert.Equal(before.ModelId, directory.ModelId);
        var reference = Assert.IsType<DriftReference>(directory.Reference);
        Assert.Equal([2L, 2L], reference.LabelCounts);
        Assert.Equal(ScoreBuckets.Bounds, reference.ScoreBounds);
        // 0.5 -> (0.4, 0.5]; 0.7 -> (0.6, 0.7]; 0.9 -> (0.8, 0.9]; 0.98 -> (0.95, 0.99]
        Assert.Equal([0L, 0, 0, 0, 1, 0, 1, 0, 1, 0, 1, 0], reference.ScoreCounts);
        Assert.Equal("hand-made", reference.Source);
        Assert.Equal(4, reference.Samples);
        Assert.False(File.Exists(Path.Combine(root, DriftReference.FileName + ".tmp")));
    }

    [Fact]
    public void A_reference_of_another_model_id_is_ignored_with_the_reason()
    {
        string root = CopyLexiconModel();
        File.WriteAllText(Path.Combine(root, DriftReference.FileName), Json("0123456789abcdef"));

        var directory = ModelDirectory.Open(root);

        Assert.Null(directory.Reference);
        Assert.Contains("0123456789abcdef", directory.ReferenceIgnored);
        Assert.Contains(directory.ModelId, directory.ReferenceIgnored);
    }

    [Theory]
    [InlineData("not json", "not a drift reference")]
    [InlineData("{}", "not a drift reference")]
    [InlineData("""{"format": 1, "model_id": "x", "source": "s", "labels": ["NEGATIVE", "POSITIVE"], "label_counts": null, "score_bounds": [0.5], "score_counts": [1, 1]}""", "not a drift reference")]
    [InlineData("""{"format": 2, "model_id": "x", "source": "s", "labels": ["NEGATIVE", "POSITIVE"], "label_counts": [1, 1], "score_bounds": [0.5], "score_counts": [1, 1]}""", "format 2")]
    [InlineData("""{"format": 1, "model_id": "x", "source": "s", "labels": ["NEG", "POS"], "label_counts": [1, 1], "score_bounds": [0.5], "score_counts": [1, 1]}""", "labels")]
    [InlineData("""{"format": 1, "model_id": "x", "source": "s", "labels": ["NEGATIVE", "POSITIVE"], "label_counts": [1, 1, 1], "score_bounds": [0.5], "score_counts": [1, 1]}""", "label_counts")]
    [InlineData("""{"format": 1, "model_id": "x", "source": "s", "labels": ["NEGATIVE", "POSITIVE"], "label_counts": [1, 1], "score_bounds": [0.9, 0.5], "score_counts": [1, 1, 0]}""", "ascending")]
    [InlineData("""{"format": 1, "model_id": "x", "source": "s", "labels": ["NEGATIVE", "POSITIVE"], "label_counts": [1, 1], "score_bounds": [0.5], "score_counts": [2]}""", "score_counts")]
    [InlineData("""{"format": 1, "model_id": "x", "source": "s", "labels": ["NEGATIVE", "POSITIVE"], "label_counts": [1, 1], "score_bounds": [0.5], "score_counts": [1, 2]}""", "same texts")]
    public void A_malformed_reference_stops_startup_naming_the_file(string json, string problem)
    {
        string root = CopyLexiconModel();
        string path = Path.Combine(root, DriftReference.FileName);
        File.WriteAllText(path, json);

        var error = Assert.Throws<ModelLoadException>(() => ModelDirectory.Open(root));

        Assert.Contains(path, error.Message);
        Assert.Contains(problem, error.Message);
        // The tool that rewrites it opens the directory without reading it.
        Assert.Null(ModelDirectory.Open(root, readReference: false).Reference);
    }

    private static string Json(string modelId) => $$"""
        {"format": 1, "model_id": "{{modelId}}", "source": "s", "labels": ["NEGATIVE", "POSITIVE"],
         "label_counts": [3, 1], "score_bounds": [0.5, 0.9], "score_counts": [0, 3, 1]}
        """;

    // A copy of the small lexicon model (5 MB): the directory is under test, not the model.
    private string CopyLexiconModel()
    {
        string target = Path.Combine(_scratch, Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(target);
        foreach (string name in new[] { ModelDirectory.ModelFileName, ModelDirectory.VocabularyFileName, ModelDirectory.ConfigFileName })
        {
            File.Copy(Path.Combine(RepositoryPaths.LexiconModel, name), Path.Combine(target, name));
        }
        return target;
    }
}
