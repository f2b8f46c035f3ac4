using System.Runtime.InteropServices;

namespace Grains.Inference.OnnxRuntime;

/// <summary>
/// Locates and loads the native ONNX Runtime library once per process and binds the C API table. The library is
/// never unloaded: sessions and the process-wide environment point into it for the life of the process.
/// </summary>
public static unsafe class OrtLibrary
{
    /// <summary>File name of the runtime as shipped by onnxruntime-node (Linux, x64/arm64).</summary>
    public const string FileName = "libonnxruntime.so.1";

    private const string SetupHint =
        "Run scripts/setup.sh to fetch ONNX Runtime 1.30 into .deps/onnxruntime/, or set ORT_LIBRARY_PATH to the library file.";

    private static readonly Lock Gate = new();
    private static string? loadedPath;
    private static string? version;

    /// <summary>
    /// Loads the runtime (idempotent, thread-safe) and returns the full path it was loaded from.
    /// With <paramref name="path"/> null the search order is: env <c>ORT_LIBRARY_PATH</c>,
    /// <c>AppContext.BaseDirectory/libonnxruntime.so.1</c>, then <c>.deps/onnxruntime/libonnxruntime.so.1</c> in
    /// <c>AppContext.BaseDirectory</c> or any parent. Once loaded, a null path returns the loaded path and a
    /// different explicit path throws <see cref="InvalidOperationException"/> (one runtime per process).
    /// </summary>
    /// <exception cref="DllNotFoundException">No candidate exists or it cannot be loaded; lists the paths tried.</exception>
    /// <exception cref="InvalidOperationException">The library is too old to serve OrtApi version 30.</exception>
    public static string Load(string? path = null)
    {
        lock (Gate)
        {
            if (loadedPath is not null)
            {
                if (path is not null && Path.GetFullPath(path) != loadedPath)
                {
                    throw new InvalidOperationException(
                        $"ONNX Runtime is already loaded from '{loadedPath}'; cannot load a second copy from '{path}'.");
                }

                return loadedPath;
            }

            var resolved = Resolve(path, Environment.GetEnvironmentVariable("ORT_LIBRARY_PATH"), AppContext.BaseDirectory);
            Bind(resolved);
            loadedPath = resolved;
            return resolved;
        }
    }

    /// <summary>The loaded runtime's version string, e.g. "1.30.0". Loads the library by search if needed.</summary>
    public static string Version
    {
        get
        {
            Load();
            return version!;
        }
    }

    /// <summary>
    /// Picks the library file to load. Separate from <see cref="Load"/> so the search (and its error text) can be
    /// tested without loading anything.
    /// </summary>
    internal static string Resolve(string? explicitPath, string? envPath, string baseDirectory)
    {
        var tried = new List<string>();
        if (explicitPath is not null)
        {
            var full = Path.GetFullPath(explicitPath);
            if (File.Exists(full))
            {
                return full;
            }

            throw NotFound([full]);
        }

        if (!string.IsNullOrWhiteSpace(envPath))
        {
            var full = Path.GetFullPath(envPath);
            if (File.Exists(full))
            {
                return full;
            }

            tried.Add($"{full} (from ORT_LIBRARY_PATH)");
        }

        var besideApp = Path.GetFullPath(Path.Combine(baseDirectory, FileName));
        if (File.Exists(besideApp))
        {
            return besideApp;
        }

        tried.Add(besideApp);

        for (var dir = new DirectoryInfo(baseDirectory); dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, ".deps", "onnxruntime", FileName);
            if (File.Exists(candidate))
            {
                return candidate;
            }

            tried.Add(candidate);
        }

        throw NotFound(tried);
    }

    private static DllNotFoundException NotFound(IEnumerable<string> tried) =>
        new($"ONNX Runtime ({FileName}) was not found. Tried:{Environment.NewLine}  " +
            string.Join(Environment.NewLine + "  ", tried) + Environment.NewLine + SetupHint);

    private static void Bind(string fullPath)
    {
        IntPtr library;
        try
        {
            library = NativeLibrary.Load(fullPath);
        }
        catch (Exception e) when (e is DllNotFoundException or BadImageFormatException)
        {
            throw new DllNotFoundException($"ONNX Runtime at '{fullPath}' could not be loaded: {e.Message}. {SetupHint}", e);
        }

        if (!NativeLibrary.TryGetExport(library, "OrtGetApiBase", out var getApiBaseExport))
        {
            throw new DllNotFoundException($"'{fullPath}' does not export OrtGetApiBase; it is not ONNX Runtime. {SetupHint}");
        }

        // OrtApiBase is { GetApi(uint32) -> const OrtApi*, GetVersionString() -> const char* }.
        var apiBase = (IntPtr*)((delegate* unmanaged<IntPtr>)getApiBaseExport)();
        var getApi = (delegate* unmanaged<uint, IntPtr>)apiBase[0];
        var getVersionString = (delegate* unmanaged<byte*>)apiBase[1];
        var libraryVersion = Marshal.PtrToStringUTF8((IntPtr)getVersionString()) ?? "unknown";

        var api = getApi(NativeMethods.ApiVersion);
        if (api == IntPtr.Zero)
        {
            throw new InvalidOperationException(
                $"ONNX Runtime at '{fullPath}' is version {libraryVersion}, which does not serve C API version " +
                $"{NativeMethods.ApiVersion} (ONNX Runtime 1.30 or newer is required). {SetupHint}");
        }

        NativeMethods.Bind(api);
        version = libraryVersion;
    }
}
