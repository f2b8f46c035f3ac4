namespace Grains.Inference.OnnxRuntime;

/// <summary>
/// Metadata of one model input or output, read once when the session opens. <paramref name="Shape"/> holds -1
/// for symbolic (dynamic) dimensions; it is empty for non-tensor values, whose <paramref name="ElementType"/> is
/// <see cref="OrtElementType.Undefined"/>. The array is owned by this record; do not mutate it.
/// </summary>
public sealed record OrtTensorInfo(string Name, OrtElementType ElementType, long[] Shape)
{
    /// <inheritdoc />
    public override string ToString() => $"{Name}: {ElementType}[{string.Join(", ", Shape)}]";
}
