namespace Grains.Inference.OnnxRuntime;

/// <summary>
/// Error codes carried by an ONNX Runtime <c>OrtStatus</c>; numeric values are those of the C API's
/// <c>OrtErrorCode</c> enum. A newer runtime may report a value not named here; it is kept as the raw number.
/// </summary>
public enum OrtErrorCode
{
    Ok = 0,
    Fail = 1,
    InvalidArgument = 2,
    NoSuchFile = 3,
    NoModel = 4,
    EngineError = 5,
    RuntimeException = 6,
    InvalidProtobuf = 7,
    ModelLoaded = 8,
    NotImplemented = 9,
    InvalidGraph = 10,
    EpFail = 11,
    ModelLoadCanceled = 12,
    ModelRequiresCompilation = 13,
    NotFound = 14,
}
