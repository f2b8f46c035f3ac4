namespace Grains.Inference.OnnxRuntime;

/// <summary>
/// One loaded model (an <c>OrtSession</c>). Thread-safe: runners created from it may run concurrently.
/// Owns the native session until <see cref="Dispose"/>; a run already in progress keeps the session alive until
/// it returns, and runs started after disposal throw <see cref="ObjectDisposedException"/>.
/// </summary>
public sealed unsafe class OrtInferenceSession : IDisposable
{
    private const int SequentialExecution = 0;  // ORT_SEQUENTIAL
    private const int TensorOnnxType = 1;       // ONNX_TYPE_TENSOR

    private readonly OrtHandle handle;

    // SafeHandle alone does not reject new users after Dispose while others still hold references (it only
    // closes once the count reaches zero), so under steady concurrent load it would never close. This flag makes
    // Dispose stop new runs; the handle's ref count still keeps the native session alive for runs in flight.
    private volatile bool disposed;

    private OrtInferenceSession(OrtHandle handle, IReadOnlyList<OrtTensorInfo> inputs, IReadOnlyList<OrtTensorInfo> outputs)
    {
        this.handle = handle;
        Inputs = inputs;
        Outputs = outputs;
    }

    /// <summary>Model inputs in the model's order, read once at open.</summary>
    public IReadOnlyList<OrtTensorInfo> Inputs { get; }

    /// <summary>Model outputs in the model's order, read once at open.</summary>
    public IReadOnlyList<OrtTensorInfo> Outputs { get; }

    internal OrtHandle Handle => handle;

    internal bool IsDisposed => disposed;

    /// <summary>
    /// Loads the model at <paramref name="modelPath"/> into a new session on the process-wide environment
    /// (loading the native library by search first if needed). The caller owns the result and must dispose it.
    /// </summary>
    /// <exception cref="OrtException">ONNX Runtime rejected the file (missing, not a model, invalid graph).</exception>
    public static OrtInferenceSession Open(string modelPath, OrtSessionSettings settings)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.IntraOpThreads);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.InterOpThreads);

        var environment = OrtEnvironment.Instance;
        using var options = CreateOptions(settings);

        IntPtr session;
        var success = false;
        environment.Env.DangerousAddRef(ref success);
        try
        {
            // ORTCHAR_T is char (UTF-8) on Linux/macOS and wchar_t (UTF-16) on Windows.
            if (OperatingSystem.IsWindows())
            {
                fixed (char* path = modelPath)
                {
                    NativeMethods.VerifySuccess(NativeMethods.CreateSession(
                        environment.Env.DangerousGetHandle(), path, options.DangerousGetHandle(), &session));
                }
            }
            else
            {
                fixed (byte* path = NativeMethods.ToUtf8Z(modelPath))
                {
                    NativeMethods.VerifySuccess(NativeMethods.CreateSession(
                        environment.Env.DangerousGetHandle(), path, options.DangerousGetHandle(), &session));
                }
            }
        }
        finally
        {
            if (success)
            {
                environment.Env.DangerousRelease();
            }
        }

        var sessionHandle = OrtHandle.Session(session);
        try
        {
            var inputs = ReadMetadata(session, NativeMethods.SessionGetInputCount, NativeMethods.SessionGetInputName, NativeMethods.SessionGetInputTypeInfo);
            var outputs = ReadMetadata(session, NativeMethods.SessionGetOutputCount, NativeMethods.SessionGetOutputName, NativeMethods.SessionGetOutputTypeInfo);
            return new OrtInferenceSession(sessionHandle, inputs, outputs);
        }
        catch
        {
            sessionHandle.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Prepares a reusable, thread-safe runner feeding every model input as a 2-D int64 tensor and reading one
    /// float output. Names are checked against the metadata here, once, not per run.
    /// </summary>
    /// <param name="int64InputNames">Every model input, each int64 of rank 2, in the order Run will receive them.</param>
    /// <param name="floatOutputName">A float output of the model.</param>
    /// <exception cref="ArgumentException">A name is unknown, duplicated, missing, or of the wrong type/rank.</exception>
    public OrtRunner CreateRunner(IReadOnlyList<string> int64InputNames, string floatOutputName)
    {
        ArgumentNullException.ThrowIfNull(int64InputNames);
        ArgumentNullException.ThrowIfNull(floatOutputName);
        ObjectDisposedException.ThrowIf(disposed, this);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in int64InputNames)
        {
            var input = Inputs.FirstOrDefault(i => i.Name == name)
                ?? throw new ArgumentException(
                    $"Model has no input '{name}'. Inputs: {string.Join(", ", Inputs)}.", nameof(int64InputNames));
            if (!seen.Add(name))
            {
                throw new ArgumentException($"Input '{name}' is listed twice.", nameof(int64InputNames));
            }

            if (input.ElementType != OrtElementType.Int64 || input.Shape.Length != 2)
            {
                throw new ArgumentException(
                    $"Input '{name}' is {input}; this runner only feeds int64 tensors of rank 2.", nameof(int64InputNames));
            }
        }

        var missing = Inputs.Where(i => !seen.Contains(i.Name)).Select(i => i.Name).ToList();
        if (missing.Count > 0)
        {
            // ORT would reject the run anyway; failing here surfaces it at startup instead of per request.
            throw new ArgumentException(
                $"Model inputs not supplied: {string.Join(", ", missing)}.", nameof(int64InputNames));
        }

        var output = Outputs.FirstOrDefault(o => o.Name == floatOutputName)
            ?? throw new ArgumentException(
                $"Model has no output '{floatOutputName}'. Outputs: {string.Join(", ", Outputs)}.", nameof(floatOutputName));
        if (output.ElementType != OrtElementType.Float)
        {
            throw new ArgumentException($"Output '{floatOutputName}' is {output}, not float.", nameof(floatOutputName));
        }

        return new OrtRunner(this, int64InputNames, floatOutputName);
    }

    /// <summary>Releases the native session (idempotent). Runs in flight finish first.</summary>
    public void Dispose()
    {
        disposed = true;
        handle.Dispose();
    }

    private static OrtHandle CreateOptions(OrtSessionSettings settings)
    {
        IntPtr raw;
        NativeMethods.VerifySuccess(NativeMethods.CreateSessionOptions(&raw));
        var options = OrtHandle.SessionOptions(raw);
        try
        {
            NativeMethods.VerifySuccess(NativeMethods.SetSessionExecutionMode(raw, SequentialExecution));
            NativeMethods.VerifySuccess(NativeMethods.SetIntraOpNumThreads(raw, settings.IntraOpThreads));
            NativeMethods.VerifySuccess(NativeMethods.SetInterOpNumThreads(raw, settings.InterOpThreads));
            NativeMethods.VerifySuccess(NativeMethods.SetSessionGraphOptimizationLevel(raw, (int)settings.GraphOptimization));
            NativeMethods.VerifySuccess(settings.EnableMemoryArena
                ? NativeMethods.EnableCpuMemArena(raw)
                : NativeMethods.DisableCpuMemArena(raw));
            NativeMethods.VerifySuccess(settings.EnableMemoryPattern
                ? NativeMethods.EnableMemPattern(raw)
                : NativeMethods.DisableMemPattern(raw));
            AddConfigEntry(raw, "session.intra_op.allow_spinning", settings.AllowSpinning ? "1" : "0");
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    /// <summary>A session config entry (keys from onnxruntime_session_options_config_keys.h).</summary>
    internal static void AddConfigEntry(IntPtr options, string key, string value)
    {
        fixed (byte* k = NativeMethods.ToUtf8Z(key))
        fixed (byte* v = NativeMethods.ToUtf8Z(value))
        {
            NativeMethods.VerifySuccess(NativeMethods.AddSessionConfigEntry(options, k, v));
        }
    }

    private static OrtTensorInfo[] ReadMetadata(
        IntPtr session,
        delegate* unmanaged<IntPtr, nuint*, IntPtr> getCount,
        delegate* unmanaged<IntPtr, nuint, IntPtr, IntPtr*, IntPtr> getName,
        delegate* unmanaged<IntPtr, nuint, IntPtr*, IntPtr> getTypeInfo)
    {
        nuint count;
        NativeMethods.VerifySuccess(getCount(session, &count));

        // The default allocator is a process-wide singleton owned by ORT: never freed by us.
        IntPtr allocator;
        NativeMethods.VerifySuccess(NativeMethods.GetAllocatorWithDefaultOptions(&allocator));

        var result = new OrtTensorInfo[(int)count];
        for (nuint i = 0; i < count; i++)
        {
            IntPtr rawName;
            NativeMethods.VerifySuccess(getName(session, i, allocator, &rawName));
            string name;
            using (var nameHandle = new OrtAllocatedStringHandle(allocator, rawName))
            {
                name = nameHandle.Read();
            }

            IntPtr rawTypeInfo;
            NativeMethods.VerifySuccess(getTypeInfo(session, i, &rawTypeInfo));
            using var typeInfo = OrtHandle.TypeInfo(rawTypeInfo);
            result[(int)i] = ReadTensorInfo(name, rawTypeInfo);
        }

        return result;
    }

    private static OrtTensorInfo ReadTensorInfo(string name, IntPtr typeInfo)
    {
        int onnxType;
        NativeMethods.VerifySuccess(NativeMethods.GetOnnxTypeFromTypeInfo(typeInfo, &onnxType));
        if (onnxType != TensorOnnxType)
        {
            return new OrtTensorInfo(name, OrtElementType.Undefined, []);
        }

        // Borrowed from typeInfo: valid until typeInfo is released, never released on its own.
        IntPtr tensorInfo;
        NativeMethods.VerifySuccess(NativeMethods.CastTypeInfoToTensorInfo(typeInfo, &tensorInfo));
        return new OrtTensorInfo(name, (OrtElementType)ReadElementType(tensorInfo), ReadShape(tensorInfo));
    }

    internal static int ReadElementType(IntPtr tensorInfo)
    {
        int elementType;
        NativeMethods.VerifySuccess(NativeMethods.GetTensorElementType(tensorInfo, &elementType));
        return elementType;
    }

    internal static long[] ReadShape(IntPtr tensorInfo)
    {
        nuint rank;
        NativeMethods.VerifySuccess(NativeMethods.GetDimensionsCount(tensorInfo, &rank));
        var shape = new long[(int)rank];
        fixed (long* dims = shape)
        {
            NativeMethods.VerifySuccess(NativeMethods.GetDimensions(tensorInfo, dims, rank));
        }

        return shape;
    }
}
