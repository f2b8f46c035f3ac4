namespace Grains.Inference.OnnxRuntime;

/// <summary>
/// Process-wide native state shared by all sessions: the single <c>OrtEnv</c> (ORT expects one per process; it
/// owns logging and global state) and the CPU memory description used to wrap caller buffers. Created on first
/// use after the library is loaded, and deliberately never released: tearing down the env while any session
/// might still exist is unsafe, and the OS reclaims it at exit.
/// </summary>
internal sealed unsafe class OrtEnvironment
{
    private const int LogLevelWarning = 2;      // ORT_LOGGING_LEVEL_WARNING
    private const int ArenaAllocator = 1;       // OrtArenaAllocator
    private const int MemTypeDefault = 0;       // OrtMemTypeDefault

    private static readonly Lock Gate = new();
    private static volatile OrtEnvironment? shared;

    private OrtEnvironment(OrtHandle env, OrtHandle cpuMemory)
    {
        Env = env;
        CpuMemory = cpuMemory;
    }

    /// <summary>
    /// The shared instance. Not a Lazy&lt;T&gt;: that would cache a failure (e.g. library not found yet) forever,
    /// while a later explicit <see cref="OrtLibrary.Load"/> should be able to fix it.
    /// </summary>
    public static OrtEnvironment Instance
    {
        get
        {
            if (shared is { } existing)
            {
                return existing;
            }

            lock (Gate)
            {
                return shared ??= Create();
            }
        }
    }

    public OrtHandle Env { get; }

    public OrtHandle CpuMemory { get; }

    private static OrtEnvironment Create()
    {
        OrtLibrary.Load();

        IntPtr env;
        fixed (byte* logId = "grains-onnxruntime\0"u8)
        {
            NativeMethods.VerifySuccess(NativeMethods.CreateEnv(LogLevelWarning, logId, &env));
        }

        var envHandle = OrtHandle.Env(env);
        IntPtr memoryInfo;
        NativeMethods.VerifySuccess(NativeMethods.CreateCpuMemoryInfo(ArenaAllocator, MemTypeDefault, &memoryInfo));
        return new OrtEnvironment(envHandle, OrtHandle.MemoryInfo(memoryInfo));
    }
}
