using System.CommandLine;
using System.CommandLine.Parsing;
using PredictionCluster.Inference.Model;
using Microsoft.ML.OnnxRuntime;

namespace Benchmarks;

/// <summary>
/// The command line of the benchmark tool (System.CommandLine): picks the subcommand, turns usage mistakes into
/// exit code 2 (the errors, then the command's help, on stderr) and model/runtime failures into exit code 1 with
/// one readable line. Output goes to the given writers so tests can run a command in-process.
/// </summary>
internal static class BenchmarkCli
{
    public const int BadUsage = 2;
    public const int Failed = 1;

    public static RootCommand CreateRootCommand() => new("Benchmarks of the prediction service's engine and memory (see tools/Benchmarks/README.md)")
    {
        EngineCommand.Create(),
        Sst2Command.Create(),
        GrainCommand.Create(),
        CompareCommand.Create(),
        MemoryCommand.Create(),
        MemoryHttpCommand.Create(),
        TokenizerCommand.Create(),
    };

    public static int Run(IReadOnlyList<string> args, TextWriter output, TextWriter error)
    {
        var parse = CreateRootCommand().Parse(args);
        if (parse.Errors.Count > 0)
        {
            return Usage(parse.CommandResult, parse.Errors.Select(e => e.Message), error);
        }
        try
        {
            return parse.Invoke(new InvocationConfiguration { Output = output, Error = error, EnableDefaultExceptionHandler = false });
        }
        catch (CommandLineException e)
        {
            return Usage(parse.CommandResult, [e.Message], error);
        }
        catch (Exception e) when (e is ModelLoadException or OnnxRuntimeException or DllNotFoundException or IOException)
        {
            error.WriteLine(e.Message);
            return Failed;
        }
    }

    /// <summary>The errors, then the help of the command they belong to; exit code <see cref="BadUsage"/>.</summary>
    private static int Usage(CommandResult command, IEnumerable<string> messages, TextWriter error)
    {
        Tools.Shared.CommandLineErrors.Write(CreateRootCommand(), command, messages, error);
        return BadUsage;
    }
}
