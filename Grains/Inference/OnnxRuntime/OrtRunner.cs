using System.Runtime.InteropServices;

namespace Grains.Inference.OnnxRuntime;

/// <summary>
/// A prepared call into one session: fixed int64 inputs of shape [rows, columns] and one float output.
/// Immutable and thread-safe; concurrent <see cref="Run"/> calls are allowed (ORT sessions support them).
/// Holds no native resources of its own (names live in pinned managed arrays), so it needs no disposal;
/// it does not keep the session open — disposing the session makes later runs throw.
/// </summary>
public sealed unsafe class OrtRunner
{
    private const int Int64ElementType = (int)OrtElementType.Int64;
    private const int FloatElementType = (int)OrtElementType.Float;
    private const int StackInputLimit = 16;

    private readonly OrtInferenceSession session;

    // UTF-8 names marshalled once: pinned (POH) so the raw pointers below stay valid for the runner's lifetime.
    private readonly byte[] nameBytes;
    private readonly IntPtr[] inputNamePointers;
    private readonly IntPtr[] outputNamePointer;

    internal OrtRunner(OrtInferenceSession session, IReadOnlyList<string> inputNames, string outputName)
    {
        this.session = session;
        InputNames = inputNames.ToArray();
        OutputName = outputName;

        var encoded = InputNames.Append(outputName).Select(NativeMethods.ToUtf8Z).ToArray();
        nameBytes = GC.AllocateArray<byte>(encoded.Sum(e => e.Length), pinned: true);
        inputNamePointers = GC.AllocateArray<IntPtr>(InputNames.Count, pinned: true);
        outputNamePointer = GC.AllocateArray<IntPtr>(1, pinned: true);

        var offset = 0;
        fixed (byte* start = nameBytes)
        {
            for (var i = 0; i < encoded.Length; i++)
            {
                encoded[i].CopyTo(nameBytes, offset);
                var pointer = (IntPtr)(start + offset);
                if (i < InputNames.Count)
                {
                    inputNamePointers[i] = pointer;
                }
                else
                {
                    outputNamePointer[0] = pointer;
                }

                offset += encoded[i].Length;
            }
        }
    }

    /// <summary>Input names in the order <see cref="Run"/> expects its buffers.</summary>
    public IReadOnlyList<string> InputNames { get; }

    /// <summary>The float output this runner copies out.</summary>
    public string OutputName { get; }

    /// <summary>
    /// Runs the model once. <paramref name="inputs"/>[i] feeds <see cref="InputNames"/>[i]: its first
    /// rows*columns values are viewed as shape [rows, columns] (longer, e.g. pooled, arrays are fine). The arrays are
    /// pinned and wrapped without copying for the duration of the call only. The float output is copied into
    /// <paramref name="output"/>; nothing native outlives the call.
    /// </summary>
    /// <returns>The number of floats written to <paramref name="output"/>.</returns>
    /// <exception cref="ArgumentException">Wrong input count, a buffer too short, or <paramref name="output"/> too small.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    /// <exception cref="OrtException">ONNX Runtime failed the run (e.g. a fixed dimension did not match).</exception>
    public int Run(ReadOnlySpan<long[]> inputs, int rows, int columns, Span<float> output, out long[] outputShape)
    {
        var count = inputNamePointers.Length;
        if (inputs.Length != count)
        {
            throw new ArgumentException($"Expected {count} input buffers ({string.Join(", ", InputNames)}), got {inputs.Length}.", nameof(inputs));
        }

        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        var elements = (long)rows * columns;
        for (var i = 0; i < count; i++)
        {
            if (inputs[i] is null || inputs[i].LongLength < elements)
            {
                throw new ArgumentException(
                    $"Input '{InputNames[i]}' needs {elements} values for shape [{rows}, {columns}], has {inputs[i]?.LongLength ?? 0}.",
                    nameof(inputs));
            }
        }

        var memoryInfo = OrtEnvironment.Instance.CpuMemory.DangerousGetHandle();
        var sessionHandle = session.Handle;
        var sessionReferenced = false;
        Span<GCHandle> pins = count <= StackInputLimit ? stackalloc GCHandle[count] : new GCHandle[count];
        Span<IntPtr> values = count <= StackInputLimit ? stackalloc IntPtr[count] : new IntPtr[count];
        var valueHandles = new OrtHandle?[count];
        OrtHandle? outputHandle = null;
        try
        {
            // Reject runs that start after Dispose; AddRef (which also throws once the handle is closed) then keeps
            // the native session alive until the finally even if Dispose races in between.
            ObjectDisposedException.ThrowIf(session.IsDisposed, session);
            sessionHandle.DangerousAddRef(ref sessionReferenced);

            var shape = stackalloc long[2] { rows, columns };   // ORT copies the shape; stack memory is enough
            var byteLength = (nuint)(elements * sizeof(long));
            for (var i = 0; i < count; i++)
            {
                pins[i] = GCHandle.Alloc(inputs[i], GCHandleType.Pinned);
                IntPtr value;
                NativeMethods.VerifySuccess(NativeMethods.CreateTensorWithDataAsOrtValue(
                    memoryInfo, (void*)pins[i].AddrOfPinnedObject(), byteLength, shape, 2, Int64ElementType, &value));
                valueHandles[i] = OrtHandle.Value(value);
                values[i] = value;
            }

            IntPtr result = IntPtr.Zero;
            IntPtr status;
            fixed (IntPtr* inputNames = inputNamePointers, outputNames = outputNamePointer)
            fixed (IntPtr* inputValues = values)
            {
                status = NativeMethods.Run(
                    sessionHandle.DangerousGetHandle(), IntPtr.Zero, inputNames, inputValues, (nuint)count, outputNames, 1, &result);
            }

            // Take ownership before checking the status so nothing ORT handed back can leak.
            if (result != IntPtr.Zero)
            {
                outputHandle = OrtHandle.Value(result);
            }

            NativeMethods.VerifySuccess(status);
            return CopyOutput(result, output, out outputShape);
        }
        finally
        {
            outputHandle?.Dispose();
            foreach (var valueHandle in valueHandles)
            {
                valueHandle?.Dispose();
            }

            // Unpin only after every tensor wrapping the buffers is released.
            foreach (ref var pin in pins)
            {
                if (pin.IsAllocated)
                {
                    pin.Free();
                }
            }

            if (sessionReferenced)
            {
                sessionHandle.DangerousRelease();
            }
        }
    }

    private int CopyOutput(IntPtr value, Span<float> output, out long[] outputShape)
    {
        IntPtr rawInfo;
        NativeMethods.VerifySuccess(NativeMethods.GetTensorTypeAndShape(value, &rawInfo));
        using var info = OrtHandle.TensorTypeAndShapeInfo(rawInfo);

        var elementType = OrtInferenceSession.ReadElementType(rawInfo);
        if (elementType != FloatElementType)
        {
            throw new InvalidOperationException($"Output '{OutputName}' came back as {(OrtElementType)elementType}, not float.");
        }

        outputShape = OrtInferenceSession.ReadShape(rawInfo);
        nuint elementCount;
        NativeMethods.VerifySuccess(NativeMethods.GetTensorShapeElementCount(rawInfo, &elementCount));
        if (elementCount > (nuint)output.Length)
        {
            throw new ArgumentException(
                $"Output '{OutputName}' has {elementCount} values (shape [{string.Join(", ", outputShape)}]) but the destination holds {output.Length}.",
                nameof(output));
        }

        void* data;
        NativeMethods.VerifySuccess(NativeMethods.GetTensorMutableData(value, &data));
        var written = (int)elementCount;
        new ReadOnlySpan<float>(data, written).CopyTo(output);
        return written;
    }
}
