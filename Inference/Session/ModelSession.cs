using PredictionCluster.Inference.Model;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace PredictionCluster.Inference.Session;

/// <summary>
/// One loaded model: an ONNX Runtime <see cref="InferenceSession"/> opened with <see cref="SessionSettings"/>.
/// Thread-safe: runners created from it may run concurrently. Disposing it stops new runs at once
/// (<see cref="ObjectDisposedException"/>); runs already in flight keep the native session alive, and it is
/// released when the last one returns.
/// </summary>
public sealed class ModelSession : IDisposable
{
    private const string AllowSpinningKey = "session.intra_op.allow_spinning";

    private readonly InferenceSession _session;

    // The binding's InferenceSession frees its native session on Dispose even while another thread is inside Run,
    // so runs count themselves in here: 1 for the owner plus one per run in flight; whoever brings it to 0 disposes.
    private int _references = 1;
    private int _disposed;

    private ModelSession(string modelPath, InferenceSession session)
    {
        ModelPath = modelPath;
        _session = session;
    }

    public string ModelPath { get; }

    /// <summary>Model inputs in the model's order.</summary>
    public IReadOnlyList<string> InputNames => _session.InputNames;

    /// <summary>Model outputs in the model's order.</summary>
    public IReadOnlyList<string> OutputNames => _session.OutputNames;

    public IReadOnlyDictionary<string, NodeMetadata> InputMetadata => _session.InputMetadata;

    public IReadOnlyDictionary<string, NodeMetadata> OutputMetadata => _session.OutputMetadata;

    /// <summary>The native session has been released (disposed, and no run is in flight).</summary>
    internal bool IsReleased => Volatile.Read(ref _references) == 0;

    /// <summary>Loads <paramref name="modelPath"/>. The caller owns the result and must dispose it.</summary>
    /// <exception cref="ModelLoadException">ONNX Runtime rejected the file, or its native library did not load.</exception>
    public static ModelSession Open(string modelPath, SessionSettings settings)
    {
        ArgumentException.ThrowIfNullOrEmpty(modelPath);
        ArgumentNullException.ThrowIfNull(settings);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.IntraOpThreads);
        ArgumentOutOfRangeException.ThrowIfNegative(settings.InterOpThreads);
        try
        {
            using var options = CreateOptions(settings);
            return new ModelSession(modelPath, new InferenceSession(modelPath, options));
        }
        catch (OnnxRuntimeException e)
        {
            throw new ModelLoadException($"{modelPath}: ONNX Runtime cannot load it: {e.Message}", e);
        }
        catch (Exception e) when (e is DllNotFoundException or TypeInitializationException or EntryPointNotFoundException)
        {
            // The package's loader did not find or accept its native library (a publish without runtimes/).
            throw new ModelLoadException($"ONNX Runtime's native library did not load: {(e.InnerException ?? e).Message}", e);
        }
    }

    /// <summary>
    /// A reusable, thread-safe runner feeding every model input as an int64 [rows, columns] tensor and writing one
    /// float [rows, <paramref name="outputWidth"/>] output. Names, types and ranks are checked here, once.
    /// </summary>
    /// <param name="int64InputNames">Every model input, in the order Run will receive their buffers.</param>
    /// <param name="floatOutputName">A float output of rank 2.</param>
    /// <param name="outputWidth">Its second dimension (the model's, unless that one is symbolic).</param>
    /// <exception cref="ModelLoadException">A name is unknown, duplicated or missing, or of the wrong type or rank.</exception>
    public ModelRunner CreateRunner(IReadOnlyList<string> int64InputNames, string floatOutputName, int outputWidth)
    {
        ArgumentNullException.ThrowIfNull(int64InputNames);
        ArgumentNullException.ThrowIfNull(floatOutputName);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(outputWidth);
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);

        var seen = new HashSet<string>(StringComparer.Ordinal);
        foreach (var name in int64InputNames)
        {
            if (!InputMetadata.TryGetValue(name, out var input))
            {
                throw Invalid($"the model has no input '{name}' (inputs: {Describe(InputNames, InputMetadata)})");
            }
            if (!seen.Add(name))
            {
                throw Invalid($"input '{name}' is listed twice");
            }
            if (!input.IsTensor || input.ElementDataType != TensorElementType.Int64 || input.Dimensions.Length != 2)
            {
                throw Invalid($"input {Describe(name, input)} is not an int64 tensor of rank 2 [batch, sequence]");
            }
        }

        var missing = InputNames.Where(n => !seen.Contains(n)).ToArray();
        if (missing.Length > 0)
        {
            // ORT would reject every run anyway; failing here surfaces it at startup instead of per request.
            throw Invalid($"model inputs not fed: {string.Join(", ", missing)}");
        }

        if (!OutputMetadata.TryGetValue(floatOutputName, out var output))
        {
            throw Invalid($"the model has no output '{floatOutputName}' (outputs: {Describe(OutputNames, OutputMetadata)})");
        }
        if (!output.IsTensor || output.ElementDataType != TensorElementType.Float || output.Dimensions.Length != 2
            || (output.Dimensions[1] > 0 && output.Dimensions[1] != outputWidth))
        {
            throw Invalid($"output {Describe(floatOutputName, output)} is not a float tensor [batch, {outputWidth}]");
        }

        return new ModelRunner(this, int64InputNames.ToArray(), floatOutputName, outputWidth);
    }

    /// <summary>Releases the native session (idempotent) once the runs in flight have returned.</summary>
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Release();
        }
    }

    /// <summary>Counts a run in; throws once the session is disposed. Pair with <see cref="Release"/>.</summary>
    internal InferenceSession Acquire()
    {
        ObjectDisposedException.ThrowIf(Volatile.Read(ref _disposed) != 0, this);
        int current = Volatile.Read(ref _references);
        while (true)
        {
            ObjectDisposedException.ThrowIf(current == 0, this);
            int seen = Interlocked.CompareExchange(ref _references, current + 1, current);
            if (seen == current)
            {
                return _session;
            }
            current = seen;
        }
    }

    internal void Release()
    {
        if (Interlocked.Decrement(ref _references) == 0)
        {
            _session.Dispose();
        }
    }

    private static SessionOptions CreateOptions(SessionSettings settings)
    {
        var options = new SessionOptions();
        try
        {
            options.ExecutionMode = ExecutionMode.ORT_SEQUENTIAL;
            options.IntraOpNumThreads = settings.IntraOpThreads;
            options.InterOpNumThreads = settings.InterOpThreads;
            options.GraphOptimizationLevel = settings.GraphOptimization switch
            {
                GraphOptimization.Disabled => GraphOptimizationLevel.ORT_DISABLE_ALL,
                GraphOptimization.Basic => GraphOptimizationLevel.ORT_ENABLE_BASIC,
                GraphOptimization.Extended => GraphOptimizationLevel.ORT_ENABLE_EXTENDED,
                _ => GraphOptimizationLevel.ORT_ENABLE_ALL,
            };
            options.EnableCpuMemArena = settings.EnableMemoryArena;
            options.EnableMemoryPattern = settings.EnableMemoryPattern;
            options.AddSessionConfigEntry(AllowSpinningKey, settings.AllowSpinning ? "1" : "0");
            return options;
        }
        catch
        {
            options.Dispose();
            throw;
        }
    }

    private ModelLoadException Invalid(string problem) => new($"{ModelPath}: {problem}.");

    private static string Describe(IEnumerable<string> names, IReadOnlyDictionary<string, NodeMetadata> metadata) =>
        string.Join(", ", names.Select(n => Describe(n, metadata[n])));

    private static string Describe(string name, NodeMetadata metadata) =>
        metadata.IsTensor
            ? $"'{name}' {metadata.ElementDataType}[{string.Join(", ", metadata.Dimensions)}]"
            : $"'{name}' {metadata.OnnxValueType}";
}
