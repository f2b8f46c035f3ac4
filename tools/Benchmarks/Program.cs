namespace Benchmarks;

/// <summary>
/// Entry point. Not top-level statements: those generate a global <c>Program</c> type, which the test project
/// (it sees this assembly's internals) would confuse with the Api's <c>Program</c>.
/// </summary>
internal static class BenchmarkProgram
{
    // benchmarks engine      [--model DIR] [--batches 1,8,32] [--lengths 16,32,64,128] [--iterations N | --seconds S] ...
    // benchmarks memory      [--keys 100000] [--redis HOST:PORT] ...
    // benchmarks memory-http --url URL --pid PID [--texts 10000000] ...
    // benchmarks --help, benchmarks COMMAND --help; see tools/Benchmarks/README.md.
    public static int Main(string[] args) => BenchmarkCli.Run(args, Console.Out, Console.Error);
}
