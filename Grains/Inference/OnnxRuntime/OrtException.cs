namespace Grains.Inference.OnnxRuntime;

/// <summary>
/// An error reported by ONNX Runtime through an <c>OrtStatus</c>. <see cref="Exception.Message"/> carries the
/// runtime's own message verbatim (prefixed with the code); the native status has already been released.
/// </summary>
public sealed class OrtException : Exception
{
    internal OrtException(OrtErrorCode code, string nativeMessage)
        : base($"ONNX Runtime error {code}: {nativeMessage}")
    {
        Code = code;
        NativeMessage = nativeMessage;
    }

    /// <summary>The error code ONNX Runtime reported.</summary>
    public OrtErrorCode Code { get; }

    /// <summary>The message exactly as ONNX Runtime produced it.</summary>
    public string NativeMessage { get; }
}
