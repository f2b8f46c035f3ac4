using Grains.Inference.Batching;

namespace Benchmarks;

/// <summary>
/// Which model to load and how, read from the command line before anything is loaded (so a typo fails at once,
/// not after the 268 MB session has been opened).
/// </summary>
internal sealed record BenchmarkModelSettings(string ModelPath, int MaxTokensOverride, InferenceOptions Options)
{
    /// <summary>Reads <c>--model</c>, <c>--max-tokens</c> and the session options (see <see cref="ServiceInferenceOptions"/>).</summary>
    public static BenchmarkModelSettings FromCommandLine(CommandLineOptions arguments, int defaultIntraOpThreads = ServiceInferenceOptions.DefaultIntraOpThreads) => new(
        RepositoryFiles.Resolve(arguments.String("--model", RepositoryFiles.BenchmarkModel)),
        arguments.Int("--max-tokens", 0, minimum: 0),
        ServiceInferenceOptions.Resolve(arguments, defaultIntraOpThreads));
}
