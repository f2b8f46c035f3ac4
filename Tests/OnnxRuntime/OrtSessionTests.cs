using Grains.Inference.OnnxRuntime;

namespace Tests.OnnxRuntime;

[Collection(OrtCollection.Name)]
public sealed class OrtSessionTests(OrtTestModel model)
{
    [Fact]
    public void Open_TestModel_ReportsInputMetadataWithDynamicDims()
    {
        using var session = OrtInferenceSession.Open(model.ModelPath, new OrtSessionSettings());

        Assert.Equal(["input_ids", "attention_mask"], session.Inputs.Select(i => i.Name));
        Assert.All(session.Inputs, i =>
        {
            Assert.Equal(OrtElementType.Int64, i.ElementType);
            Assert.Equal([-1L, -1L], i.Shape);
        });
    }

    [Fact]
    public void Open_TestModel_ReportsOutputMetadata()
    {
        using var session = OrtInferenceSession.Open(model.ModelPath, new OrtSessionSettings());

        Assert.Equal(["logits", "pooled", "token_count"], session.Outputs.Select(o => o.Name));
        Assert.Equal([OrtElementType.Float, OrtElementType.Float, OrtElementType.Int64], session.Outputs.Select(o => o.ElementType));
        Assert.Equal([-1L, 2L], session.Outputs[0].Shape);
        Assert.Equal([-1L, model.Dim], session.Outputs[1].Shape);
        Assert.Equal([-1L, 1L], session.Outputs[2].Shape);
    }

    public static TheoryData<OrtSessionSettings> AllSettings() =>
    [
        new OrtSessionSettings(),
        new OrtSessionSettings { IntraOpThreads = 1, InterOpThreads = 1, GraphOptimization = OrtGraphOptimizationLevel.Disabled, EnableMemoryArena = false, EnableMemoryPattern = false },
        new OrtSessionSettings { IntraOpThreads = 2, InterOpThreads = 0, GraphOptimization = OrtGraphOptimizationLevel.Basic },
        new OrtSessionSettings { GraphOptimization = OrtGraphOptimizationLevel.Extended, EnableMemoryArena = false },
        new OrtSessionSettings { EnableMemoryPattern = false },
        new OrtSessionSettings { AllowSpinning = false },
    ];

    [Fact]
    public unsafe void AddConfigEntry_IsTheRuntimesOwnEntry_ItRejectsAnEmptyKeyWithItsMessage()
    {
        // Proves slot 130 is AddSessionConfigEntry: ORT's own check answers, in its own words.
        IntPtr created;
        NativeMethods.VerifySuccess(NativeMethods.CreateSessionOptions(&created));
        using var options = OrtHandle.SessionOptions(created);
        IntPtr raw = created;

        OrtInferenceSession.AddConfigEntry(raw, "session.intra_op.allow_spinning", "0");
        var e = Assert.Throws<OrtException>(() => OrtInferenceSession.AddConfigEntry(raw, "", "1"));

        Assert.Contains("Config key is empty", e.Message);
    }

    [Theory]
    [MemberData(nameof(AllSettings))]
    public void Open_EverySettingCombination_RunsAndMatchesHandComputation(OrtSessionSettings settings)
    {
        using var session = OrtInferenceSession.Open(model.ModelPath, settings);
        var runner = session.CreateRunner(OrtTestModel.InputNames, "logits");
        var (ids, mask) = model.MakeInputs(3, 5, seed: 7);

        var output = new float[6];
        var written = runner.Run(new[] { ids, mask }, 3, 5, output, out var shape);

        Assert.Equal(6, written);
        Assert.Equal([3L, 2L], shape);
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
            OrtInferenceSession.Open(model.ModelPath, new OrtSessionSettings { IntraOpThreads = -1 }));
    }

    [Fact]
    public void Open_MissingFile_ThrowsOrtExceptionWithOrtMessage()
    {
        var missing = Path.Combine(model.Directory, "does-not-exist.onnx");

        var ex = Assert.Throws<OrtException>(() => OrtInferenceSession.Open(missing, new OrtSessionSettings()));

        Assert.Equal(OrtErrorCode.NoSuchFile, ex.Code);
        Assert.Contains(missing, ex.NativeMessage);
        Assert.Contains(ex.NativeMessage, ex.Message);
    }

    [Fact]
    public void Open_GarbageFile_ThrowsOrtExceptionInvalidProtobuf()
    {
        var garbage = Path.Combine(model.Directory, "garbage.onnx");
        var bytes = new byte[4096];
        new Random(3).NextBytes(bytes);
        File.WriteAllBytes(garbage, bytes);

        var ex = Assert.Throws<OrtException>(() => OrtInferenceSession.Open(garbage, new OrtSessionSettings()));

        Assert.Equal(OrtErrorCode.InvalidProtobuf, ex.Code);
        Assert.False(string.IsNullOrWhiteSpace(ex.NativeMessage));
    }

    [Fact]
    public void CreateRunner_UnknownInputName_ThrowsNamingAvailableInputs()
    {
        using var session = OrtInferenceSession.Open(model.ModelPath, new OrtSessionSettings());

        var ex = Assert.Throws<ArgumentException>(() => session.CreateRunner(["input_ids", "token_type_ids"], "logits"));

        Assert.Contains("token_type_ids", ex.Message);
        Assert.Contains("attention_mask", ex.Message);
    }

    [Fact]
    public void CreateRunner_MissingRequiredInput_Throws()
    {
        using var session = OrtInferenceSession.Open(model.ModelPath, new OrtSessionSettings());

        var ex = Assert.Throws<ArgumentException>(() => session.CreateRunner(["input_ids"], "logits"));
        Assert.Contains("attention_mask", ex.Message);
    }

    [Fact]
    public void CreateRunner_DuplicateInput_Throws()
    {
        using var session = OrtInferenceSession.Open(model.ModelPath, new OrtSessionSettings());

        Assert.Throws<ArgumentException>(() => session.CreateRunner(["input_ids", "input_ids", "attention_mask"], "logits"));
    }

    [Fact]
    public void CreateRunner_UnknownOutput_Throws()
    {
        using var session = OrtInferenceSession.Open(model.ModelPath, new OrtSessionSettings());

        var ex = Assert.Throws<ArgumentException>(() => session.CreateRunner(OrtTestModel.InputNames, "probabilities"));
        Assert.Contains("logits", ex.Message);
    }

    [Fact]
    public void CreateRunner_NonFloatOutput_Throws()
    {
        using var session = OrtInferenceSession.Open(model.ModelPath, new OrtSessionSettings());

        var ex = Assert.Throws<ArgumentException>(() => session.CreateRunner(OrtTestModel.InputNames, "token_count"));
        Assert.Contains("Int64", ex.Message);
    }

    [Fact]
    public void Dispose_Twice_DoesNotThrowAndLaterRunsAreRejected()
    {
        var session = OrtInferenceSession.Open(model.ModelPath, new OrtSessionSettings());
        var runner = session.CreateRunner(OrtTestModel.InputNames, "logits");
        var (ids, mask) = model.MakeInputs(1, 4, seed: 1);

        session.Dispose();
        session.Dispose();

        Assert.True(session.Handle.IsClosed);

        Assert.Throws<ObjectDisposedException>(() => runner.Run(new[] { ids, mask }, 1, 4, new float[2], out _));
        Assert.Throws<ObjectDisposedException>(() => session.CreateRunner(OrtTestModel.InputNames, "logits"));
    }
}
