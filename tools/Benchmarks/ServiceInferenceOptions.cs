using System.CommandLine;
using PredictionCluster.Inference.Batching;
using PredictionCluster.Inference.Session;
using Microsoft.Extensions.Configuration;

namespace Benchmarks;

/// <summary>
/// The service's own <see cref="InferenceOptions"/> (so session settings go through the same
/// <see cref="InferenceOptions.ToSessionSettings"/> the silo uses), optionally bound from a service appsettings
/// file, then overridden by the command line.
/// </summary>
internal static class ServiceInferenceOptions
{
    /// <summary>The issue's reference figures were measured with two intra-op threads on 2-core machines.</summary>
    public const int DefaultIntraOpThreads = 2;

    /// <summary>
    /// <c>--config FILE</c> binds its <c>Inference</c> section (as the silo does); without it the service's defaults
    /// apply with <paramref name="defaultIntraOpThreads"/> (<see cref="DefaultIntraOpThreads"/> for the engine figures). Then <c>--threads</c>, <c>--graph-optimization</c> and
    /// <c>--arena</c> override. Batch limits are left to the commands that use them.
    /// </summary>
    public static InferenceOptions Resolve(ModelCommandOptions arguments, ParseResult parse, int defaultIntraOpThreads = DefaultIntraOpThreads)
    {
        var options = new InferenceOptions { IntraOpThreads = defaultIntraOpThreads };
        string? config = parse.GetValue(arguments.Config);
        if (config is not null)
        {
            if (!File.Exists(config))
            {
                throw new CommandLineException($"--config: '{Path.GetFullPath(config)}' does not exist.");
            }
            options = new InferenceOptions();
            new ConfigurationBuilder()
                .AddJsonFile(Path.GetFullPath(config), optional: false)
                .Build()
                .GetSection(InferenceOptions.SectionName)
                .Bind(options);
        }

        options.IntraOpThreads = parse.GetValue(arguments.Threads) ?? options.IntraOpThreads;
        options.GraphOptimization = parse.GetValue(arguments.GraphOptimization) ?? options.GraphOptimization;
        options.EnableMemoryArena = parse.GetValue(arguments.Arena) is { } arena ? arena == Benchmarks.OnOff.On : options.EnableMemoryArena;
        options.AllowSpinning = parse.GetValue(arguments.Spinning) is { } spinning ? spinning == Benchmarks.OnOff.On : options.AllowSpinning;
        return options;
    }

    /// <summary>One line naming every setting that changes what a run costs.</summary>
    public static string Describe(SessionSettings settings) =>
        $"intra-op threads {(settings.IntraOpThreads == 0 ? "0 (ORT picks)" : settings.IntraOpThreads)}, " +
        $"inter-op {settings.InterOpThreads}, graph optimization {settings.GraphOptimization}, " +
        $"memory arena {OnOff(settings.EnableMemoryArena)}, memory pattern {OnOff(settings.EnableMemoryPattern)}, " +
        $"spinning {OnOff(settings.AllowSpinning)}, " +
        "execution sequential";

    private static string OnOff(bool value) => value ? "on" : "off";
}
