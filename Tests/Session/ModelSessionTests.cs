using PredictionCluster.Inference.Model;
using PredictionCluster.Inference.Session;
using Microsoft.ML.OnnxRuntime;

namespace Tests.Session;

[Collection(SessionCollection.Name)]
public sealed class ModelSessionTests(SessionTestModel model)
{
    [Fact]
    public void Open_TestModel_ListsInputsAndOutputsInModelOrder()
    {
        using var session = ModelSession.Open(model.ModelPath, new SessionSettings());

        Assert.Equal(["input_ids", "attention_mask"], session.InputNames);
        Assert.Equal(["logits", "pooled", "token_count"], session.OutputNames);
    }

    public static TheoryData<SessionSettings> AllSettings() =>
    [
        new SessionSettings(),
        new SessionSettings { IntraOpThreads = 1, InterOpThreads = 1, GraphOptimization = GraphOptimization.Disabled, EnableMemoryArena = false, EnableMemoryPattern = false },
        new SessionSettings { IntraOpThreads = 2, InterOpThreads = 0, GraphOptimization = GraphOptimization.Basic },
        new SessionSettings { GraphOptimization = GraphOptimization.Extended, EnableMemoryArena = false },
        new SessionSettings { EnableMemoryPattern = false },
        new SessionSettings { AllowSpinning = false },
    ];

    [Theory]
    [MemberData(nameof(AllSettings))]
    public void Open_EverySettingCombination_RunsAndMatchesHandComputation(SessionSettings settings)
    {
        using var session = ModelSession.Open(model.ModelPath, settings);
        var runner = session.CreateRunner(SessionTestModel.InputNames, "logits", 2);
        var (ids, mask) = model.MakeInputs(3, 5, seed: 7);

        var output = new float[6];
        var written = runner.Run(new[] { ids, mask }, 3, 5, output);

        Assert.Equal(6, written);
        var expected = model.Compute(ids, mask, 3, 5).Logits;
        for (var i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - output[i]) < 1e-5, $"logit {i}: expected {expected[i]}, got {output[i]}");
        }
    }

    [Fact]
    public void Open_NegativeThreads_ThrowsArgumentOutOfRange()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() =>
            ModelSession.Open(model.ModelPath, new SessionSettings { IntraOpThreads = -1 }));
    }

    [Fact]
    public void Open_MissingFile_ModelLoadExceptionNamingTheFileWithOrtsMessage()
    {
        var missing = Path.Combine(model.Directory, "does-not-exist.onnx");

        var ex = Assert.Throws<ModelLoadException>(() => ModelSession.Open(missing, new SessionSettings()));

        var inner = Assert.IsType<OnnxRuntimeException>(ex.InnerException);
        Assert.StartsWith(missing + ": ONNX Runtime cannot load it", ex.Message);
        Assert.Contains(inner.Message, ex.Message);
        Assert.DoesNotContain('\n', ex.Message.TrimEnd());
    }

    [Fact]
    public void Open_GarbageFile_ModelLoadExceptionWithOrtsMessage()
    {
        var garbage = Path.Combine(model.Directory, "garbage.onnx");
        var bytes = new byte[4096];
        new Random(3).NextBytes(bytes);
        File.WriteAllBytes(garbage, bytes);

        var ex = Assert.Throws<ModelLoadException>(() => ModelSession.Open(garbage, new SessionSettings()));

        Assert.IsType<OnnxRuntimeException>(ex.InnerException);
        Assert.Contains(garbage, ex.Message);
    }

    [Fact]
    public void CreateRunner_UnknownInputName_ThrowsNamingAvailableInputs()
    {
        using var session = ModelSession.Open(model.ModelPath, new SessionSettings());

        var ex = Assert.Throws<ModelLoadException>(() => session.CreateRunner(["input_ids", "token_type_ids"], "logits", 2));

        Assert.Contains("token_type_ids", ex.Message);
        Assert.Contains("'attention_mask' Int64[-1, -1]", ex.Message);
    }

    [Fact]
    public void CreateRunner_MissingRequiredInput_Throws()
    {
        using var session = ModelSession.Open(model.ModelPath, new SessionSettings());

        var ex = Assert.Throws<ModelLoadException>(() => session.CreateRunner(["input_ids"], "logits", 2));
        Assert.Contains("not fed: attention_mask", ex.Message);
    }

    [Fact]
    public void CreateRunner_DuplicateInput_Throws()
    {
        using var session = ModelSession.Open(model.ModelPath, new SessionSettings());

        var ex = Assert.Throws<ModelLoadException>(() => session.CreateRunner(["input_ids", "input_ids", "attention_mask"], "logits", 2));
        Assert.Contains("listed twice", ex.Message);
    }

    [Fact]
    public void CreateRunner_InputOfWrongRank_ThrowsNamingIt()
    {
        using var session = ModelSession.Open(model.WrongInputsPath, new SessionSettings());

        var ex = Assert.Throws<ModelLoadException>(() => session.CreateRunner(SessionTestModel.InputNames, "logits", 2));

        Assert.StartsWith(model.WrongInputsPath, ex.Message);
        Assert.Contains("'input_ids' Int64[-1] is not an int64 tensor of rank 2", ex.Message);
    }

    [Fact]
    public void CreateRunner_AttentionMaskOfWrongType_ThrowsNamingIt()
    {
        using var session = ModelSession.Open(model.WrongInputsPath, new SessionSettings());

        var ex = Assert.Throws<ModelLoadException>(() => session.CreateRunner(["attention_mask", "input_ids"], "logits", 2));

        Assert.Contains("'attention_mask' Float[-1, -1]", ex.Message);
    }

    [Fact]
    public void CreateRunner_UnknownOutput_Throws()
    {
        using var session = ModelSession.Open(model.ModelPath, new SessionSettings());

        var ex = Assert.Throws<ModelLoadException>(() => session.CreateRunner(SessionTestModel.InputNames, "probabilities", 2));
        Assert.Contains("'logits' Float[-1, 2]", ex.Message);
    }

    [Fact]
    public void CreateRunner_NonFloatOutput_Throws()
    {
        using var session = ModelSession.Open(model.ModelPath, new SessionSettings());

        var ex = Assert.Throws<ModelLoadException>(() => session.CreateRunner(SessionTestModel.InputNames, "token_count", 1));
        Assert.Contains("Int64", ex.Message);
    }

    [Fact]
    public void CreateRunner_OutputWidthOtherThanTheModels_Throws()
    {
        using var session = ModelSession.Open(model.ModelPath, new SessionSettings());

        var ex = Assert.Throws<ModelLoadException>(() => session.CreateRunner(SessionTestModel.InputNames, "logits", 3));
        Assert.Contains("not a float tensor [batch, 3]", ex.Message);
    }

    [Fact]
    public void Dispose_Twice_DoesNotThrowAndLaterRunsAreRejected()
    {
        var session = ModelSession.Open(model.ModelPath, new SessionSettings());
        var runner = session.CreateRunner(SessionTestModel.InputNames, "logits", 2);
        var (ids, mask) = model.MakeInputs(1, 4, seed: 1);

        session.Dispose();
        session.Dispose();

        Assert.True(session.IsReleased);
        Assert.Throws<ObjectDisposedException>(() => runner.Run(new[] { ids, mask }, 1, 4, new float[2]));
        Assert.Throws<ObjectDisposedException>(() => session.CreateRunner(SessionTestModel.InputNames, "logits", 2));
    }
}
