namespace Grains.Inference.OnnxRuntime;

/// <summary>Graph optimization level applied when a session loads its model; values are the C API's.</summary>
public enum OrtGraphOptimizationLevel
{
    Disabled = 0,
    Basic = 1,
    Extended = 2,
    All = 99,
}
