using Grains.Inference.Model;
using Microsoft.ML.OnnxRuntime;

namespace Benchmarks;

/// <summary>
/// The command line of the benchmark tool: picks the subcommand and turns usage mistakes into exit code 2 and
/// model/runtime failures into exit code 1, each with one readable line. Output goes to the given writers so tests
/// can run a command in-process.
/// </summary>
internal static class BenchmarkCli
{
    public const string Usage = """
        usage: benchmarks <command> [options]        (see tools/Benchmarks/README.md)

          engine       raw runs on synthetic sentences, every batch x length cell
                       [--batches 1,8,32] [--lengths 16,32,64,128] [--iterations N | --seconds 2.5]
                       [--min-iterations 5] [--warmup 2] [--warmup-seconds 0.5]
          engine-sst2  SST-2 dev sentences, batched as the service batches (arrival) and length-bucketed
                       [--data eval/data/sst2/dev.tsv] [--batch-size 32] [--batch-tokens 8192]
                       [--strategies arrival,bucketed[,single]] [--repeats 3] [--warmup 3] [--limit N] [--workers 1]
          engine-grain unique SST-2 sentences through the service's InferenceGrain (queue, batcher, worker), no HTTP
                       [--callers 64] [--seconds 20] [--warmup-seconds 3] [--data eval/data/sst2/dev.tsv]
                       [--workers 0 (one per core)] (threads default to the service's 1 per worker)
          compare      two models on the same SST-2 batches: label agreement, score difference, speed of each
                       --other DIR [--data eval/data/sst2/dev.tsv] [--repeats 3]
          memory       silo memory per cached prediction, and RSS while unique keys stream through
                       [--keys 1000000] [--stream 10000000] [--json]

        engine*: [--model models/distilbert-bench] [--max-tokens N] [--config Silo/appsettings.json]
               [--threads 2] [--graph-optimization Disabled|Basic|Extended|All] [--arena on|off]
               [--spinning on|off] [--json]
        """;

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        if (args.Count == 0 || args[0] is "-h" or "--help" or "help")
        {
            (args.Count == 0 ? error : output).WriteLine(Usage);
            return args.Count == 0 ? 2 : 0;
        }

        try
        {
            var options = CommandLineOptions.Parse(args.Skip(1).ToArray());
            switch (args[0])
            {
                case EngineCommand.Name:
                    return EngineCommand.Run(options, output);
                case Sst2Command.Name:
                    return Sst2Command.Run(options, output);
                case GrainCommand.Name:
                    return GrainCommand.Run(options, output);
                case CompareCommand.Name:
                    return CompareCommand.Run(options, output);
                default:
                    error.WriteLine($"Unknown command '{args[0]}'.");
                    error.WriteLine(Usage);
                    return 2;
            }
        }
        catch (CommandLineException e)
        {
            error.WriteLine(e.Message);
            error.WriteLine(Usage);
            return 2;
        }
        catch (Exception e) when (e is ModelLoadException or OnnxRuntimeException or DllNotFoundException or IOException)
        {
            error.WriteLine(e.Message);
            return 1;
        }
    }
}
