using System.Runtime.InteropServices;

namespace Grains.Inference.OnnxRuntime;

/// <summary>
/// Base for every SafeHandle that owns an ONNX Runtime object: null is invalid, and the concrete type supplies the
/// matching <c>Release*</c> call. SafeHandle's ref count keeps the native object alive while a call is using it,
/// even if another thread disposes the owner meanwhile.
/// </summary>
internal abstract class OrtHandle : SafeHandle
{
    protected OrtHandle(IntPtr handle)
        : base(IntPtr.Zero, ownsHandle: true)
    {
        SetHandle(handle);
    }

    public override bool IsInvalid => handle == IntPtr.Zero;
}

/// <summary>Owns an <c>OrtEnv</c>.</summary>
internal sealed unsafe class OrtEnvHandle(IntPtr handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle()
    {
        NativeMethods.ReleaseEnv(handle);
        return true;
    }
}

/// <summary>Owns an <c>OrtSessionOptions</c>; only needed until the session is created.</summary>
internal sealed unsafe class OrtSessionOptionsHandle(IntPtr handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle()
    {
        NativeMethods.ReleaseSessionOptions(handle);
        return true;
    }
}

/// <summary>Owns an <c>OrtSession</c> (and with it the session's thread pools and arena).</summary>
internal sealed unsafe class OrtSessionHandle(IntPtr handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle()
    {
        NativeMethods.ReleaseSession(handle);
        return true;
    }
}

/// <summary>Owns an <c>OrtMemoryInfo</c>.</summary>
internal sealed unsafe class OrtMemoryInfoHandle(IntPtr handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle()
    {
        NativeMethods.ReleaseMemoryInfo(handle);
        return true;
    }
}

/// <summary>
/// Owns an <c>OrtValue</c>. For tensors wrapping caller memory, releasing it does not free that memory; the
/// caller's buffer must stay pinned until this handle is released.
/// </summary>
internal sealed unsafe class OrtValueHandle(IntPtr handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle()
    {
        NativeMethods.ReleaseValue(handle);
        return true;
    }
}

/// <summary>Owns an <c>OrtTypeInfo</c>; tensor info cast from it is borrowed and dies with it.</summary>
internal sealed unsafe class OrtTypeInfoHandle(IntPtr handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle()
    {
        NativeMethods.ReleaseTypeInfo(handle);
        return true;
    }
}

/// <summary>Owns an <c>OrtTensorTypeAndShapeInfo</c> (as returned by <c>GetTensorTypeAndShape</c>).</summary>
internal sealed unsafe class OrtTensorTypeAndShapeInfoHandle(IntPtr handle) : OrtHandle(handle)
{
    protected override bool ReleaseHandle()
    {
        NativeMethods.ReleaseTensorTypeAndShapeInfo(handle);
        return true;
    }
}

/// <summary>
/// Owns a NUL-terminated UTF-8 string ORT allocated with <paramref name="allocator"/> (e.g. an input name);
/// it must go back to that same allocator.
/// </summary>
internal sealed unsafe class OrtAllocatedStringHandle(IntPtr allocator, IntPtr handle) : OrtHandle(handle)
{
    public string Read() => Marshal.PtrToStringUTF8(handle) ?? string.Empty;

    protected override bool ReleaseHandle() =>
        NativeMethods.ReleaseStatusQuietly(NativeMethods.AllocatorFree(allocator, handle));
}
