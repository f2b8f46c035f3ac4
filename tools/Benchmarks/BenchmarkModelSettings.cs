using System.CommandLine;
using PredictionCluster.Inference.Batching;

namespace Benchmarks;

/// <summary>
/// Which model to load and how, read from the command line before anything is loaded (so a typo fails at once,
/// not after the 268 MB session has been opened).
/// </summary>
internal sealed record BenchmarkModelSettings(string ModelPath, int MaxTokensOverride, InferenceOptions Options);

/// <summary>
/// The options every model-running command shares: <c>--model</c>, <c>--max-tokens</c> and the session options
/// (see <see cref="ServiceInferenceOptions"/>). One instance per command.
/// </summary>
internal sealed class ModelCommandOptions
{
    private readonly int _defaultIntraOpThreads;

    /// <param name="defaultIntraOpThreads">
    /// Intra-op threads when neither <c>--threads</c> nor <c>--config</c> says: two for the engine figures, the
    /// service's own for commands that run the service's code.
    /// </param>
    public ModelCommandOptions(int defaultIntraOpThreads = ServiceInferenceOptions.DefaultIntraOpThreads)
    {
        _defaultIntraOpThreads = defaultIntraOpThreads;
        Threads = CliOptions.OptionalInt(
            "--threads", $"ONNX Runtime intra-op threads per run, 0 = ORT picks (default {defaultIntraOpThreads}, or the config's)", minimum: 0);
    }

    public Option<string> Model { get; } = CliOptions.String("--model", "model directory in Hugging Face export layout", RepositoryFiles.BenchmarkModel);

    public Option<int> MaxTokens { get; } = CliOptions.Int("--max-tokens", "tokens per text incl. specials, as Model:MaxTokens (0 = the model's limit)", 0, minimum: 0);

    public Option<string?> Config { get; } = CliOptions.OptionalString("--config", "bind the Inference section of a service appsettings file (e.g. Silo/appsettings.json)", "file");

    public Option<int?> Threads { get; }

    public Option<PredictionCluster.Inference.Session.GraphOptimization?> GraphOptimization { get; } =
        CliOptions.Enum<PredictionCluster.Inference.Session.GraphOptimization>("--graph-optimization", "ONNX Runtime graph optimization level (default All)");

    public Option<OnOff?> Arena { get; } = CliOptions.OnOff("--arena", "CPU memory arena, and memory pattern with it (default on)");

    public Option<OnOff?> Spinning { get; } = CliOptions.OnOff("--spinning", "intra-op threads spin between operators, as Inference:AllowSpinning (default on)");

    public void AddTo(Command command)
    {
        foreach (Option option in new Option[] { Model, MaxTokens, Config, Threads, GraphOptimization, Arena, Spinning })
        {
            command.Options.Add(option);
        }
    }

    public BenchmarkModelSettings Read(ParseResult parse) => new(
        RepositoryFiles.Resolve(parse.GetRequiredValue(Model)),
        parse.GetValue(MaxTokens),
        ServiceInferenceOptions.Resolve(this, parse, _defaultIntraOpThreads));
}
