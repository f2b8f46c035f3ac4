namespace PredictionCluster.Inference.Session;

/// <summary>
/// Graph optimizations applied when a session loads its model. Our own names (the configuration values documented
/// in README: <c>Disabled</c>, <c>Basic</c>, <c>Extended</c>, <c>All</c>), mapped to ONNX Runtime's levels.
/// </summary>
public enum GraphOptimization
{
    Disabled,
    Basic,
    Extended,
    All,
}
