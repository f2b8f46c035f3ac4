using System.Runtime.InteropServices;

namespace Grains.Inference.OnnxRuntime;

/// <summary>
/// The slice of the ONNX Runtime C API this binding calls. The runtime exports one symbol, <c>OrtGetApiBase</c>;
/// everything else is a function pointer in the <c>OrtApi</c> struct it hands out, read here by slot index.
/// The struct is append-only across releases, so an index, once verified, stays valid for every later runtime.
/// Fields are written once by <see cref="Bind"/> (under <see cref="OrtLibrary"/>'s lock) before any other use.
/// </summary>
internal static unsafe class NativeMethods
{
    /// <summary>
    /// The OrtApi version requested. 30 is what ORT 1.30 serves and what every index below was verified against;
    /// an older runtime returns null for it, which <see cref="OrtLibrary"/> turns into a clear version error.
    /// </summary>
    internal const uint ApiVersion = 30;

    /// <summary>Slot indices in the OrtApi struct (0-based, counted from onnxruntime_c_api.h).</summary>
    internal static class Slot
    {
        internal const int GetErrorCode = 1;
        internal const int GetErrorMessage = 2;
        internal const int CreateEnv = 3;
        internal const int CreateSession = 7;
        internal const int Run = 9;
        internal const int CreateSessionOptions = 10;
        internal const int SetSessionExecutionMode = 13;
        internal const int EnableMemPattern = 16;
        internal const int DisableMemPattern = 17;
        internal const int EnableCpuMemArena = 18;
        internal const int DisableCpuMemArena = 19;
        internal const int SetSessionGraphOptimizationLevel = 23;
        internal const int SetIntraOpNumThreads = 24;
        internal const int SetInterOpNumThreads = 25;
        internal const int SessionGetInputCount = 30;
        internal const int SessionGetOutputCount = 31;
        internal const int SessionGetInputTypeInfo = 33;
        internal const int SessionGetOutputTypeInfo = 34;
        internal const int SessionGetInputName = 36;
        internal const int SessionGetOutputName = 37;
        internal const int CreateTensorWithDataAsOrtValue = 49;
        internal const int GetTensorMutableData = 51;
        internal const int CastTypeInfoToTensorInfo = 55;
        internal const int GetOnnxTypeFromTypeInfo = 56;
        internal const int GetTensorElementType = 60;
        internal const int GetDimensionsCount = 61;
        internal const int GetDimensions = 62;
        internal const int GetTensorShapeElementCount = 64;
        internal const int GetTensorTypeAndShape = 65;
        internal const int CreateCpuMemoryInfo = 69;
        internal const int AllocatorFree = 76;
        internal const int GetAllocatorWithDefaultOptions = 78;
        internal const int ReleaseEnv = 92;
        internal const int ReleaseStatus = 93;
        internal const int ReleaseMemoryInfo = 94;
        internal const int ReleaseSession = 95;
        internal const int ReleaseValue = 96;
        internal const int ReleaseTypeInfo = 98;
        internal const int ReleaseTensorTypeAndShapeInfo = 99;
        internal const int ReleaseSessionOptions = 100;
        internal const int AddSessionConfigEntry = 130;
    }

    // C enums are int-sized and size_t is nuint on every platform .NET supports; OrtStatus* is the IntPtr return.
    internal static delegate* unmanaged<IntPtr, int> GetErrorCode;
    internal static delegate* unmanaged<IntPtr, byte*> GetErrorMessage;
    internal static delegate* unmanaged<int, byte*, IntPtr*, IntPtr> CreateEnv;
    internal static delegate* unmanaged<IntPtr, void*, IntPtr, IntPtr*, IntPtr> CreateSession;
    internal static delegate* unmanaged<IntPtr, IntPtr, IntPtr*, IntPtr*, nuint, IntPtr*, nuint, IntPtr*, IntPtr> Run;
    internal static delegate* unmanaged<IntPtr*, IntPtr> CreateSessionOptions;
    internal static delegate* unmanaged<IntPtr, int, IntPtr> SetSessionExecutionMode;
    internal static delegate* unmanaged<IntPtr, IntPtr> EnableMemPattern;
    internal static delegate* unmanaged<IntPtr, IntPtr> DisableMemPattern;
    internal static delegate* unmanaged<IntPtr, IntPtr> EnableCpuMemArena;
    internal static delegate* unmanaged<IntPtr, IntPtr> DisableCpuMemArena;
    internal static delegate* unmanaged<IntPtr, int, IntPtr> SetSessionGraphOptimizationLevel;
    internal static delegate* unmanaged<IntPtr, int, IntPtr> SetIntraOpNumThreads;
    internal static delegate* unmanaged<IntPtr, int, IntPtr> SetInterOpNumThreads;
    internal static delegate* unmanaged<IntPtr, nuint*, IntPtr> SessionGetInputCount;
    internal static delegate* unmanaged<IntPtr, nuint*, IntPtr> SessionGetOutputCount;
    internal static delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr> SessionGetInputTypeInfo;
    internal static delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr> SessionGetOutputTypeInfo;
    internal static delegate* unmanaged<IntPtr, nuint, IntPtr, IntPtr*, IntPtr> SessionGetInputName;
    internal static delegate* unmanaged<IntPtr, nuint, IntPtr, IntPtr*, IntPtr> SessionGetOutputName;
    internal static delegate* unmanaged<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr> CreateTensorWithDataAsOrtValue;
    internal static delegate* unmanaged<IntPtr, void**, IntPtr> GetTensorMutableData;
    internal static delegate* unmanaged<IntPtr, IntPtr*, IntPtr> CastTypeInfoToTensorInfo;
    internal static delegate* unmanaged<IntPtr, int*, IntPtr> GetOnnxTypeFromTypeInfo;
    internal static delegate* unmanaged<IntPtr, int*, IntPtr> GetTensorElementType;
    internal static delegate* unmanaged<IntPtr, nuint*, IntPtr> GetDimensionsCount;
    internal static delegate* unmanaged<IntPtr, long*, nuint, IntPtr> GetDimensions;
    internal static delegate* unmanaged<IntPtr, nuint*, IntPtr> GetTensorShapeElementCount;
    internal static delegate* unmanaged<IntPtr, IntPtr*, IntPtr> GetTensorTypeAndShape;
    internal static delegate* unmanaged<int, int, IntPtr*, IntPtr> CreateCpuMemoryInfo;
    internal static delegate* unmanaged<IntPtr, IntPtr, IntPtr> AllocatorFree;
    internal static delegate* unmanaged<IntPtr*, IntPtr> GetAllocatorWithDefaultOptions;
    internal static delegate* unmanaged<IntPtr, void> ReleaseEnv;
    internal static delegate* unmanaged<IntPtr, void> ReleaseStatus;
    internal static delegate* unmanaged<IntPtr, void> ReleaseMemoryInfo;
    internal static delegate* unmanaged<IntPtr, void> ReleaseSession;
    internal static delegate* unmanaged<IntPtr, void> ReleaseValue;
    internal static delegate* unmanaged<IntPtr, void> ReleaseTypeInfo;
    internal static delegate* unmanaged<IntPtr, void> ReleaseTensorTypeAndShapeInfo;
    internal static delegate* unmanaged<IntPtr, void> ReleaseSessionOptions;
    internal static delegate* unmanaged<IntPtr, byte*, byte*, IntPtr> AddSessionConfigEntry;

    /// <summary>Reads every bound entry from the OrtApi table returned by <c>GetApi(ApiVersion)</c>.</summary>
    internal static void Bind(IntPtr api)
    {
        var t = (IntPtr*)api;
        GetErrorCode = (delegate* unmanaged<IntPtr, int>)t[Slot.GetErrorCode];
        GetErrorMessage = (delegate* unmanaged<IntPtr, byte*>)t[Slot.GetErrorMessage];
        CreateEnv = (delegate* unmanaged<int, byte*, IntPtr*, IntPtr>)t[Slot.CreateEnv];
        CreateSession = (delegate* unmanaged<IntPtr, void*, IntPtr, IntPtr*, IntPtr>)t[Slot.CreateSession];
        Run = (delegate* unmanaged<IntPtr, IntPtr, IntPtr*, IntPtr*, nuint, IntPtr*, nuint, IntPtr*, IntPtr>)t[Slot.Run];
        CreateSessionOptions = (delegate* unmanaged<IntPtr*, IntPtr>)t[Slot.CreateSessionOptions];
        SetSessionExecutionMode = (delegate* unmanaged<IntPtr, int, IntPtr>)t[Slot.SetSessionExecutionMode];
        EnableMemPattern = (delegate* unmanaged<IntPtr, IntPtr>)t[Slot.EnableMemPattern];
        DisableMemPattern = (delegate* unmanaged<IntPtr, IntPtr>)t[Slot.DisableMemPattern];
        EnableCpuMemArena = (delegate* unmanaged<IntPtr, IntPtr>)t[Slot.EnableCpuMemArena];
        DisableCpuMemArena = (delegate* unmanaged<IntPtr, IntPtr>)t[Slot.DisableCpuMemArena];
        SetSessionGraphOptimizationLevel = (delegate* unmanaged<IntPtr, int, IntPtr>)t[Slot.SetSessionGraphOptimizationLevel];
        SetIntraOpNumThreads = (delegate* unmanaged<IntPtr, int, IntPtr>)t[Slot.SetIntraOpNumThreads];
        SetInterOpNumThreads = (delegate* unmanaged<IntPtr, int, IntPtr>)t[Slot.SetInterOpNumThreads];
        SessionGetInputCount = (delegate* unmanaged<IntPtr, nuint*, IntPtr>)t[Slot.SessionGetInputCount];
        SessionGetOutputCount = (delegate* unmanaged<IntPtr, nuint*, IntPtr>)t[Slot.SessionGetOutputCount];
        SessionGetInputTypeInfo = (delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr>)t[Slot.SessionGetInputTypeInfo];
        SessionGetOutputTypeInfo = (delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr>)t[Slot.SessionGetOutputTypeInfo];
        SessionGetInputName = (delegate* unmanaged<IntPtr, nuint, IntPtr, IntPtr*, IntPtr>)t[Slot.SessionGetInputName];
        SessionGetOutputName = (delegate* unmanaged<IntPtr, nuint, IntPtr, IntPtr*, IntPtr>)t[Slot.SessionGetOutputName];
        CreateTensorWithDataAsOrtValue = (delegate* unmanaged<IntPtr, void*, nuint, long*, nuint, int, IntPtr*, IntPtr>)t[Slot.CreateTensorWithDataAsOrtValue];
        GetTensorMutableData = (delegate* unmanaged<IntPtr, void**, IntPtr>)t[Slot.GetTensorMutableData];
        CastTypeInfoToTensorInfo = (delegate* unmanaged<IntPtr, IntPtr*, IntPtr>)t[Slot.CastTypeInfoToTensorInfo];
        GetOnnxTypeFromTypeInfo = (delegate* unmanaged<IntPtr, int*, IntPtr>)t[Slot.GetOnnxTypeFromTypeInfo];
        GetTensorElementType = (delegate* unmanaged<IntPtr, int*, IntPtr>)t[Slot.GetTensorElementType];
        GetDimensionsCount = (delegate* unmanaged<IntPtr, nuint*, IntPtr>)t[Slot.GetDimensionsCount];
        GetDimensions = (delegate* unmanaged<IntPtr, long*, nuint, IntPtr>)t[Slot.GetDimensions];
        GetTensorShapeElementCount = (delegate* unmanaged<IntPtr, nuint*, IntPtr>)t[Slot.GetTensorShapeElementCount];
        GetTensorTypeAndShape = (delegate* unmanaged<IntPtr, IntPtr*, IntPtr>)t[Slot.GetTensorTypeAndShape];
        CreateCpuMemoryInfo = (delegate* unmanaged<int, int, IntPtr*, IntPtr>)t[Slot.CreateCpuMemoryInfo];
        AllocatorFree = (delegate* unmanaged<IntPtr, IntPtr, IntPtr>)t[Slot.AllocatorFree];
        GetAllocatorWithDefaultOptions = (delegate* unmanaged<IntPtr*, IntPtr>)t[Slot.GetAllocatorWithDefaultOptions];
        ReleaseEnv = (delegate* unmanaged<IntPtr, void>)t[Slot.ReleaseEnv];
        ReleaseStatus = (delegate* unmanaged<IntPtr, void>)t[Slot.ReleaseStatus];
        ReleaseMemoryInfo = (delegate* unmanaged<IntPtr, void>)t[Slot.ReleaseMemoryInfo];
        ReleaseSession = (delegate* unmanaged<IntPtr, void>)t[Slot.ReleaseSession];
        ReleaseValue = (delegate* unmanaged<IntPtr, void>)t[Slot.ReleaseValue];
        ReleaseTypeInfo = (delegate* unmanaged<IntPtr, void>)t[Slot.ReleaseTypeInfo];
        ReleaseTensorTypeAndShapeInfo = (delegate* unmanaged<IntPtr, void>)t[Slot.ReleaseTensorTypeAndShapeInfo];
        ReleaseSessionOptions = (delegate* unmanaged<IntPtr, void>)t[Slot.ReleaseSessionOptions];
        AddSessionConfigEntry = (delegate* unmanaged<IntPtr, byte*, byte*, IntPtr>)t[Slot.AddSessionConfigEntry];
    }

    /// <summary>
    /// The single place an OrtStatus is inspected: null means success; anything else is read, released (always,
    /// in <c>finally</c>) and rethrown as <see cref="OrtException"/>.
    /// </summary>
    internal static void VerifySuccess(IntPtr status)
    {
        if (status == IntPtr.Zero)
        {
            return;
        }

        try
        {
            var code = (OrtErrorCode)GetErrorCode(status);
            var message = Marshal.PtrToStringUTF8((IntPtr)GetErrorMessage(status)) ?? string.Empty;
            throw new OrtException(code, message);
        }
        finally
        {
            ReleaseStatus(status);
        }
    }

    /// <summary>
    /// For release paths that must not throw (SafeHandle.ReleaseHandle): frees a failed status and reports
    /// whether the call succeeded.
    /// </summary>
    internal static bool ReleaseStatusQuietly(IntPtr status)
    {
        if (status == IntPtr.Zero)
        {
            return true;
        }

        ReleaseStatus(status);
        return false;
    }

    /// <summary>Encodes <paramref name="value"/> as NUL-terminated UTF-8, the C API's string form.</summary>
    internal static byte[] ToUtf8Z(string value)
    {
        var bytes = new byte[System.Text.Encoding.UTF8.GetByteCount(value) + 1];
        System.Text.Encoding.UTF8.GetBytes(value, bytes);
        return bytes;
    }
}
