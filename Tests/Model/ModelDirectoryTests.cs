using PredictionCluster.Inference.Batching;
using PredictionCluster.Inference.Model;
using Tests.Infrastructure;

namespace Tests.Model;

public sealed class ModelDirectoryTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("model-dir-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    // Copies of the small lexicon model (5 MB): what these tests check is the directory, not the model in it.
    private string CopyLexiconModel(string name)
    {
        string target = Path.Combine(_scratch, name);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(RepositoryPaths.LexiconModel))
        {
            File.Copy(file, Path.Combine(target, Path.GetFileName(file)));
        }
        return target;
    }

    [Fact]
    public void Open_DefaultModel_ReadsLabelsAndLimit()
    {
        var directory = ModelDirectory.Open(RepositoryPaths.DefaultModel);

        Assert.Equal(["NEGATIVE", "POSITIVE"], directory.Config.Labels);
        Assert.Equal(256, directory.MaxTokens); // MiniLM's sentence-transformers max_seq_length
        Assert.Matches("^[0-9a-f]{16}$", directory.ModelId);
    }

    [Fact]
    public void Open_LexiconModel_ReadsLabelsAndLimit()
    {
        var directory = ModelDirectory.Open(RepositoryPaths.LexiconModel);

        Assert.Equal(["NEGATIVE", "POSITIVE"], directory.Config.Labels);
        Assert.Equal(512, directory.MaxTokens);
        Assert.NotEqual(ModelDirectory.Open(RepositoryPaths.DefaultModel).ModelId, directory.ModelId);
    }

    [Fact]
    public void Open_SameContentElsewhere_SameId()
    {
        Assert.Equal(ModelDirectory.Open(RepositoryPaths.LexiconModel).ModelId, ModelDirectory.Open(CopyLexiconModel("copy")).ModelId);
    }

    [Fact]
    public void Open_AnythingThatChangesAnswers_ChangesId()
    {
        string original = ModelDirectory.Open(RepositoryPaths.DefaultModel).ModelId;

        string vocab = CopyLexiconModel("vocab");
        File.AppendAllText(Path.Combine(vocab, "vocab.txt"), "extratoken\n");
        string weights = CopyLexiconModel("weights");
        using (var stream = File.OpenWrite(Path.Combine(weights, "model.onnx")))
        {
            stream.Seek(-1, SeekOrigin.End);
            stream.WriteByte(0x42);
        }

        Assert.NotEqual(original, ModelDirectory.Open(vocab).ModelId);
        Assert.NotEqual(original, ModelDirectory.Open(weights).ModelId);
        Assert.NotEqual(original, ModelDirectory.Open(RepositoryPaths.DefaultModel, maxTokensOverride: 128).ModelId);
    }

    [Fact]
    public void Open_MissingDirectory_ClearMessage()
    {
        var e = Assert.Throws<ModelLoadException>(() => ModelDirectory.Open(Path.Combine(_scratch, "nowhere")));
        Assert.Contains("does not exist", e.Message);
    }

    [Theory]
    [InlineData("model.onnx")]
    [InlineData("vocab.txt")]
    [InlineData("config.json")]
    public void Open_MissingFile_NamesIt(string file)
    {
        string dir = CopyLexiconModel($"without-{file}");
        File.Delete(Path.Combine(dir, file));

        var e = Assert.Throws<ModelLoadException>(() => ModelDirectory.Open(dir));
        Assert.Contains(file, e.Message);
    }

    [Theory]
    [InlineData("{ not json")]
    [InlineData("{\"max_position_embeddings\": 512}")]
    [InlineData("{\"id2label\": {\"0\": \"ONLY\"}}")]
    [InlineData("{\"id2label\": {\"0\": \"A\", \"2\": \"C\"}}")]
    public void Open_BadConfig_ClearMessage(string config)
    {
        string dir = CopyLexiconModel("bad-config");
        File.WriteAllText(Path.Combine(dir, "config.json"), config);

        var e = Assert.Throws<ModelLoadException>(() => ModelDirectory.Open(dir));
        Assert.Contains("config.json", e.Message);
    }

    [Fact]
    public void Load_CorruptModelFile_ModelLoadExceptionWithOrtMessage()
    {
        string dir = CopyLexiconModel("corrupt");
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), "this is not a protobuf"u8.ToArray());

        var e = Assert.Throws<ModelLoadException>(() => SentimentModel.Load(ModelDirectory.Open(dir), new InferenceOptions().ToSessionSettings()));
        Assert.Contains("model.onnx", e.Message);
    }
}
