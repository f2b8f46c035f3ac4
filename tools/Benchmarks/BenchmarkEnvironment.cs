using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace Benchmarks;

/// <summary>
/// What a figure was measured on: model, runtime, machine, session settings and load. Printed as the header and
/// serialized into the SUMMARY line, so a number never travels without its conditions.
/// </summary>
internal sealed record BenchmarkEnvironment(
    string Model,
    string ModelId,
    long ModelBytes,
    int MaxTokens,
    string OrtVersion,
    string DotnetVersion,
    int Cores,
    int IntraOpThreads,
    string GraphOptimization,
    bool MemoryArena,
    bool MemoryPattern,
    bool Spinning,
    string ExecutionMode,
    string LoadAverageAtStart)
{
    public static BenchmarkEnvironment Describe(BenchmarkModel model) => new(
        model.Model.Directory.Root,
        model.Model.Directory.ModelId,
        new FileInfo(model.Model.Directory.ModelPath).Length,
        model.Model.MaxTokens,
        OrtEnv.Instance().GetVersionString(),
        RuntimeInformation.FrameworkDescription,
        Environment.ProcessorCount,
        model.SessionSettings.IntraOpThreads,
        model.SessionSettings.GraphOptimization.ToString(),
        model.SessionSettings.EnableMemoryArena,
        model.SessionSettings.EnableMemoryPattern,
        model.SessionSettings.AllowSpinning,
        // ModelSession always opens sessions in ORT_SEQUENTIAL mode.
        "sequential",
        MachineLoad.Read());

    public void Write(TextWriter output, string title, BenchmarkModel model)
    {
        output.WriteLine($"# {title}");
        output.WriteLine($"# model     {Model} (id {ModelId}, {ModelBytes / 1e6:F1} MB, max {MaxTokens} tokens), session opened in {model.OpenTime.TotalSeconds:F1} s");
        output.WriteLine($"# runtime   ONNX Runtime {OrtVersion} via Microsoft.ML.OnnxRuntime, {DotnetVersion}, {Cores} cores");
        output.WriteLine($"# session   {ServiceInferenceOptions.Describe(model.SessionSettings)}");
        output.WriteLine($"# load avg  {LoadAverageAtStart} (1/5/15 min, at start)");
    }
}
