using System.Runtime.InteropServices;

namespace Grains.Inference.OnnxRuntime;

/// <summary>
/// Owns one ONNX Runtime object and the <c>Release*</c> function that frees it; null is invalid.
/// SafeHandle's ref count keeps the native object alive while a call is using it, even if another
/// thread disposes the owner meanwhile. Create through the factory named for the object's kind.
/// </summary>
internal sealed unsafe class OrtHandle : SafeHandle
{
    private readonly delegate* unmanaged<IntPtr, void> _release;

    private OrtHandle(IntPtr handle, delegate* unmanaged<IntPtr, void> release)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        _release = release;
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    /// <summary>An <c>OrtEnv</c>.</summary>
    public static OrtHandle Env(IntPtr handle) => new(handle, NativeMethods.ReleaseEnv);

    /// <summary>An <c>OrtSessionOptions</c>; only needed until the session is created.</summary>
    public static OrtHandle SessionOptions(IntPtr handle) => new(handle, NativeMethods.ReleaseSessionOptions);

    /// <summary>An <c>OrtSession</c> (and with it the session's thread pools and arena).</summary>
    public static OrtHandle Session(IntPtr handle) => new(handle, NativeMethods.ReleaseSession);

    /// <summary>An <c>OrtMemoryInfo</c>.</summary>
    public static OrtHandle MemoryInfo(IntPtr handle) => new(handle, NativeMethods.ReleaseMemoryInfo);

    /// <summary>
    /// An <c>OrtValue</c>. For tensors wrapping caller memory, releasing it does not free that memory; the
    /// caller's buffer must stay pinned until this handle is released.
    /// </summary>
    public static OrtHandle Value(IntPtr handle) => new(handle, NativeMethods.ReleaseValue);

    /// <summary>An <c>OrtTypeInfo</c>; tensor info cast from it is borrowed and dies with it.</summary>
    public static OrtHandle TypeInfo(IntPtr handle) => new(handle, NativeMethods.ReleaseTypeInfo);

    /// <summary>An <c>OrtTensorTypeAndShapeInfo</c> (as returned by <c>GetTensorTypeAndShape</c>).</summary>
    public static OrtHandle TensorTypeAndShapeInfo(IntPtr handle) => new(handle, NativeMethods.ReleaseTensorTypeAndShapeInfo);

    protected override bool ReleaseHandle()
    {
        _release(handle);
        return true;
    }
}

/// <summary>
/// Owns a NUL-terminated UTF-8 string ORT allocated with <paramref name="allocator"/> (e.g. an input name);
/// it must go back to that same allocator.
/// </summary>
internal sealed unsafe class OrtAllocatedStringHandle : SafeHandle
{
    private readonly IntPtr _allocator;

    public OrtAllocatedStringHandle(IntPtr allocator, IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        _allocator = allocator;
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;

    public string Read() => Marshal.PtrToStringUTF8(handle) ?? string.Empty;

    protected override bool ReleaseHandle() =>
        NativeMethods.ReleaseStatusQuietly(NativeMethods.AllocatorFree(_allocator, handle));
}
