using Grains.Inference.Batching;
using Grains.Inference.Model;
using Tests.Infrastructure;

namespace Tests.Model;

public sealed class ModelDirectoryTests : IDisposable
{
    private readonly string _scratch = Directory.CreateTempSubdirectory("model-dir-").FullName;

    public void Dispose() => Directory.Delete(_scratch, recursive: true);

    private string CopyDefaultModel(string name)
    {
        string target = Path.Combine(_scratch, name);
        Directory.CreateDirectory(target);
        foreach (var file in Directory.GetFiles(RepositoryPaths.DefaultModel))
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
        Assert.Equal(512, directory.MaxTokens);
        Assert.Matches("^[0-9a-f]{16}$", directory.ModelId);
    }

    [Fact]
    public void Open_SameContentElsewhere_SameId()
    {
        Assert.Equal(ModelDirectory.Open(RepositoryPaths.DefaultModel).ModelId, ModelDirectory.Open(CopyDefaultModel("copy")).ModelId);
    }

    [Fact]
    public void Open_AnythingThatChangesAnswers_ChangesId()
    {
        string original = ModelDirectory.Open(RepositoryPaths.DefaultModel).ModelId;

        string vocab = CopyDefaultModel("vocab");
        File.AppendAllText(Path.Combine(vocab, "vocab.txt"), "extratoken\n");
        string weights = CopyDefaultModel("weights");
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
        string dir = CopyDefaultModel($"without-{file}");
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
        string dir = CopyDefaultModel("bad-config");
        File.WriteAllText(Path.Combine(dir, "config.json"), config);

        var e = Assert.Throws<ModelLoadException>(() => ModelDirectory.Open(dir));
        Assert.Contains("config.json", e.Message);
    }

    [Fact]
    public void Load_CorruptModelFile_ModelLoadExceptionWithOrtMessage()
    {
        string dir = CopyDefaultModel("corrupt");
        File.WriteAllBytes(Path.Combine(dir, "model.onnx"), "this is not a protobuf"u8.ToArray());

        var e = Assert.Throws<ModelLoadException>(() => SentimentModel.Load(ModelDirectory.Open(dir), new InferenceOptions().ToSessionSettings()));
        Assert.Contains("model.onnx", e.Message);
    }
}
