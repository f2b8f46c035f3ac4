using System.Text.Json;
using Benchmarks;

namespace Tests.Benchmarks;

/// <summary>Runs a benchmark command in this process and reads its SUMMARY line.</summary>
internal static class BenchmarkCommand
{
    public static (int ExitCode, string Output, string Error) Run(params string[] args)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = BenchmarkCli.Run(args, output, error);
        return (exitCode, output.ToString(), error.ToString());
    }

    /// <summary>The last line of <paramref name="output"/>, which must be <c>SUMMARY {json}</c>.</summary>
    public static JsonDocument ParseSummary(string output)
    {
        string last = output.TrimEnd().Split('\n')[^1];
        Assert.StartsWith(SummaryLine.Prefix, last);
        return JsonDocument.Parse(last[SummaryLine.Prefix.Length..]);
    }
}
