using System.Diagnostics;
using System.Text.Json;
namespace Tests.Session;

/// <summary>
/// Builds the tiny classifier (make_test_model.py) into a temp dir once for the collection, and offers two
/// references for its outputs: a hand computation from the exported weights, and onnxruntime-node.
/// </summary>
public sealed class SessionTestModel : IDisposable
{
    public SessionTestModel()
    {
        RepoRoot = FindRepoRoot();
        Directory = Path.Combine(Path.GetTempPath(), "ort-tests-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        RunProcess("/usr/bin/python3", [Path.Combine(ScriptDirectory, "make_test_model.py"), Directory], null);
        ModelPath = Path.Combine(Directory, "classifier.onnx");
        WrongInputsPath = Path.Combine(Directory, "wrong_inputs.onnx");

        using var weights = JsonDocument.Parse(File.ReadAllText(Path.Combine(Directory, "weights.json")));
        var root = weights.RootElement;
        Vocab = root.GetProperty("vocab").GetInt32();
        Dim = root.GetProperty("dim").GetInt32();
        Classes = root.GetProperty("classes").GetInt32();
        embedding = root.GetProperty("embedding").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        weight = root.GetProperty("weight").EnumerateArray().Select(e => e.GetDouble()).ToArray();
        bias = root.GetProperty("bias").EnumerateArray().Select(e => e.GetDouble()).ToArray();
    }

    private readonly double[] embedding;
    private readonly double[] weight;
    private readonly double[] bias;

    public string RepoRoot { get; }

    public string ScriptDirectory => Path.Combine(RepoRoot, "Tests", "Session");

    public string Directory { get; }

    public string ModelPath { get; }

    /// <summary>input_ids of rank 1 and a float attention_mask: a model a text classifier must refuse at load.</summary>
    public string WrongInputsPath { get; }

    public int Vocab { get; }

    public int Dim { get; }

    public int Classes { get; }

    public static readonly string[] InputNames = ["input_ids", "attention_mask"];

    /// <summary>Deterministic ids/mask: row r has a random length in [1, columns], padded with id 0, mask 0.</summary>
    public (long[] Ids, long[] Mask) MakeInputs(int rows, int columns, int seed)
    {
        var random = new Random(seed);
        var ids = new long[rows * columns];
        var mask = new long[rows * columns];
        for (var r = 0; r < rows; r++)
        {
            var length = random.Next(1, columns + 1);
            for (var c = 0; c < length; c++)
            {
                ids[r * columns + c] = random.Next(1, Vocab);
                mask[r * columns + c] = 1;
            }
        }

        return (ids, mask);
    }

    /// <summary>Hand computation of the graph in double precision: masked mean of embeddings, then W·x + b.</summary>
    public (double[] Logits, double[] Pooled) Compute(long[] ids, long[] mask, int rows, int columns)
    {
        var logits = new double[rows * Classes];
        var pooled = new double[rows * Dim];
        for (var r = 0; r < rows; r++)
        {
            var sum = new double[Dim];
            double count = 0;
            for (var c = 0; c < columns; c++)
            {
                var m = (double)mask[r * columns + c];
                count += m;
                for (var d = 0; d < Dim; d++)
                {
                    sum[d] += embedding[ids[r * columns + c] * Dim + d] * m;
                }
            }

            count = Math.Max(count, 1e-9);
            for (var d = 0; d < Dim; d++)
            {
                pooled[r * Dim + d] = sum[d] / count;
            }

            for (var k = 0; k < Classes; k++)
            {
                var acc = bias[k];
                for (var d = 0; d < Dim; d++)
                {
                    acc += pooled[r * Dim + d] * weight[d * Classes + k];
                }

                logits[r * Classes + k] = acc;
            }
        }

        return (logits, pooled);
    }

    /// <summary>Runs the same cases through onnxruntime-node (one node process for all of them).</summary>
    public List<(long[] Dims, float[] Data)> RunReference(string output, IEnumerable<(int Rows, int Columns, long[] Ids, long[] Mask)> cases)
    {
        var request = new
        {
            model = ModelPath,
            output,
            cases = cases.Select(c => new
            {
                rows = c.Rows,
                columns = c.Columns,
                inputs = new Dictionary<string, long[]>
                {
                    ["input_ids"] = c.Ids[..(c.Rows * c.Columns)],
                    ["attention_mask"] = c.Mask[..(c.Rows * c.Columns)],
                },
            }).ToArray(),
        };
        var requestPath = Path.Combine(Directory, $"request-{Guid.NewGuid():N}.json");
        File.WriteAllText(requestPath, JsonSerializer.Serialize(request));
        var reference = Path.Combine(RepoRoot, ".deps", "reference");
        var stdout = RunProcess(
            "node",
            [Path.Combine(ScriptDirectory, "run_reference.js"), Path.Combine(reference, "onnxruntime-node", "dist", "index.js"), requestPath],
            new Dictionary<string, string> { ["NODE_PATH"] = Path.Combine(reference, "node_modules") });

        using var json = JsonDocument.Parse(stdout);
        return json.RootElement.EnumerateArray()
            .Select(e => (
                e.GetProperty("dims").EnumerateArray().Select(d => d.GetInt64()).ToArray(),
                e.GetProperty("data").EnumerateArray().Select(d => (float)d.GetDouble()).ToArray()))
            .ToList();
    }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // Temp files; a leftover is harmless.
        }
    }

    private static string RunProcess(string fileName, IEnumerable<string> arguments, IDictionary<string, string>? environment)
    {
        var start = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[key] = value;
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{fileName} {string.Join(' ', start.ArgumentList)} failed ({process.ExitCode}): {stderr.Result}");
        }

        return stdout;
    }

    private static string FindRepoRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Tests", "Session", "make_test_model.py")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"Repository root (with Tests/Session) not found above {AppContext.BaseDirectory}.");
    }
}

[CollectionDefinition(Name)]
public sealed class SessionCollection : ICollectionFixture<SessionTestModel>
{
    public const string Name = "Session";
}

/// <summary>
/// Memory measurements (process RSS) run alone, after the parallel tests, so other tests' allocations
/// do not show up as growth.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class SessionResourceCollection : ICollectionFixture<SessionTestModel>
{
    public const string Name = "Session resources";
}
