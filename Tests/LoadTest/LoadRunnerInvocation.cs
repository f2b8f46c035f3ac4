using System.Text.Json;
using LoadRunner;
using LoadRunner.Reporting;
using Tests.Infrastructure;

namespace Tests.LoadTest;

/// <summary>Runs the load runner's command in this process and reads its <c>SUMMARY</c> line.</summary>
internal sealed record LoadRunnerInvocation(int ExitCode, string Output, string Error, JsonElement Summary)
{
    /// <summary>Runs with <paramref name="args"/> plus <c>--texts</c> (the SST-2 dev split) unless given.</summary>
    public static async Task<LoadRunnerInvocation> RunAsync(params string[] args)
    {
        if (!args.Contains("--texts"))
        {
            args = [.. args, "--texts", RepositoryPaths.Sst2Dev];
        }
        var output = new StringWriter();
        var error = new StringWriter();

        int exitCode = await LoadRunnerCommand.RunAsync(args, output, error, CancellationToken.None);

        string[] lines = output.ToString().TrimEnd().Split('\n');
        string last = lines[^1].TrimEnd('\r');
        Assert.True(last.StartsWith(RunReport.SummaryPrefix, StringComparison.Ordinal), $"last line is not the summary:\n{output}\n{error}");
        using var summary = JsonDocument.Parse(last[RunReport.SummaryPrefix.Length..]);
        return new LoadRunnerInvocation(exitCode, output.ToString(), error.ToString(), summary.RootElement.Clone());
    }

    public long Long(string name) => Summary.GetProperty(name).GetInt64();

    public double Double(string name) => Summary.GetProperty(name).GetDouble();
}
