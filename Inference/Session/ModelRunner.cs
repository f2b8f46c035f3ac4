using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;

namespace PredictionCluster.Inference.Session;

/// <summary>
/// A prepared call into one <see cref="ModelSession"/>: int64 inputs of shape [rows, columns] taken from the
/// caller's (pooled) buffers without copying, and one float output of shape [rows, width] written straight into
/// the caller's span. Immutable and thread-safe; concurrent <see cref="Run"/> calls share the session.
/// </summary>
public sealed class ModelRunner
{
    private readonly ModelSession _session;
    private readonly string[] _inputNames;
    private readonly string[] _outputNames;

    internal ModelRunner(ModelSession session, string[] inputNames, string outputName, int outputWidth)
    {
        _session = session;
        _inputNames = inputNames;
        _outputNames = [outputName];
        OutputWidth = outputWidth;
    }

    /// <summary>Input names in the order <see cref="Run"/> expects its buffers.</summary>
    public IReadOnlyList<string> InputNames => _inputNames;

    /// <summary>The float output this runner writes.</summary>
    public string OutputName => _outputNames[0];

    /// <summary>Values per row of the output.</summary>
    public int OutputWidth { get; }

    /// <summary>
    /// Runs the model once. <paramref name="inputs"/>[i] feeds <see cref="InputNames"/>[i]: its first
    /// rows*columns values are viewed as shape [rows, columns] (longer, e.g. pooled, arrays are fine); the arrays are
    /// pinned for the duration of the call only. The output lands in the first rows*<see cref="OutputWidth"/> values
    /// of <paramref name="output"/>.
    /// </summary>
    /// <returns>The number of floats written to <paramref name="output"/>.</returns>
    /// <exception cref="ArgumentException">Wrong input count, a buffer too short, or <paramref name="output"/> too small.</exception>
    /// <exception cref="ObjectDisposedException">The session was disposed.</exception>
    /// <exception cref="OnnxRuntimeException">ONNX Runtime failed the run (an id outside the vocabulary, a shape the model refuses).</exception>
    public unsafe int Run(ReadOnlySpan<long[]> inputs, int rows, int columns, Span<float> output)
    {
        int count = _inputNames.Length;
        if (inputs.Length != count)
        {
            throw new ArgumentException($"Expected {count} input buffers ({string.Join(", ", _inputNames)}), got {inputs.Length}.", nameof(inputs));
        }
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(rows);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(columns);
        long elements = (long)rows * columns;
        for (int i = 0; i < count; i++)
        {
            if (inputs[i] is null || inputs[i].LongLength < elements)
            {
                throw new ArgumentException(
                    $"Input '{_inputNames[i]}' needs {elements} values for shape [{rows}, {columns}], has {inputs[i]?.LongLength ?? 0}.",
                    nameof(inputs));
            }
        }
        int written = checked(rows * OutputWidth);
        if (output.Length < written)
        {
            throw new ArgumentException(
                $"Output '{OutputName}' has {written} values (shape [{rows}, {OutputWidth}]) but the destination holds {output.Length}.",
                nameof(output));
        }

        // The shapes are copied into the native tensors when they are created.
        long[] inputShape = [rows, columns];
        long[] outputShape = [rows, OutputWidth];
        var values = new OrtValue[count];
        var session = _session.Acquire();
        try
        {
            for (int i = 0; i < count; i++)
            {
                values[i] = OrtValue.CreateTensorValueFromMemory(OrtMemoryInfo.DefaultInstance, inputs[i].AsMemory(0, (int)elements), inputShape);
            }
            fixed (float* destination = output)
            {
                // A preallocated output: ORT writes the logits into the caller's memory, and fails the run if the
                // model's actual output shape differs from [rows, width].
                using var result = OrtValue.CreateTensorValueWithData(
                    OrtMemoryInfo.DefaultInstance, TensorElementType.Float, outputShape, (IntPtr)destination, (long)written * sizeof(float));
                session.Run(null, _inputNames, values, _outputNames, [result]);
            }
            return written;
        }
        finally
        {
            foreach (var value in values)
            {
                value?.Dispose();   // unpins the input buffer
            }
            _session.Release();
        }
    }
}
