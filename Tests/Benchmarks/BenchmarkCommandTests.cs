using System.Text.Json;
using Benchmarks;
using Tests.Infrastructure;

namespace Tests.Benchmarks;

/// <summary>
/// The benchmark commands run end to end on the tiny default model and end with a SUMMARY line the lead's
/// benchmark script can parse.
/// </summary>
public sealed class BenchmarkCommandTests
{
    [Fact]
    public void Engine_TinyGrid_PrintsATableAndAParsableSummary()
    {
        var (exitCode, output, error) = Run(
            "engine", "--model", RepositoryPaths.LexiconModel, "--batches", "1,4", "--lengths", "8,16",
            "--iterations", "5", "--warmup", "1", "--warmup-seconds", "0", "--json");

        Assert.True(exitCode == 0, error);
        Assert.Contains("median ms", output);
        using var summary = ParseSummary(output);
        var root = summary.RootElement;
        Assert.Equal("engine", root.GetProperty("command").GetString());
        Assert.Equal(2, root.GetProperty("environment").GetProperty("intraOpThreads").GetInt32());
        Assert.Equal("All", root.GetProperty("environment").GetProperty("graphOptimization").GetString());
        var cells = root.GetProperty("cells").EnumerateArray().ToArray();
        Assert.Equal([(1, 8), (1, 16), (4, 8), (4, 16)], cells.Select(c => (c.GetProperty("batch").GetInt32(), c.GetProperty("length").GetInt32())));
        foreach (var cell in cells)
        {
            Assert.Equal(5, cell.GetProperty("runs").GetInt32());
            double median = cell.GetProperty("medianMs").GetDouble();
            Assert.True(median > 0);
            Assert.True(cell.GetProperty("p10Ms").GetDouble() <= median && median <= cell.GetProperty("p90Ms").GetDouble());
            double expected = cell.GetProperty("batch").GetInt32() * cell.GetProperty("length").GetInt32() / (median / 1000);
            // The rate comes from the unrounded median; the reported median is rounded to microseconds.
            Assert.InRange(cell.GetProperty("tokensPerSecond").GetDouble(), expected * 0.9, expected * 1.1);
        }
    }

    [Fact]
    public void EngineSst2_FewSentences_ReportsEveryStrategy()
    {
        var (exitCode, output, error) = Run(
            "engine-sst2", "--model", RepositoryPaths.LexiconModel, "--data", RepositoryPaths.Sst2Dev, "--limit", "40",
            "--batch-size", "8", "--strategies", "arrival,bucketed,single", "--repeats", "1", "--warmup", "1", "--json");

        Assert.True(exitCode == 0, error);
        using var summary = ParseSummary(output);
        var root = summary.RootElement;
        Assert.Equal(40, root.GetProperty("sentences").GetInt32());
        var rates = root.GetProperty("sentencesPerSecond");
        Assert.All(new[] { "arrival", "bucketed", "single" }, name => Assert.True(rates.GetProperty(name).GetDouble() > 0));
        var overhead = root.GetProperty("strategies").EnumerateArray()
            .ToDictionary(s => s.GetProperty("strategy").GetString()!, s => s.GetProperty("paddingOverheadPercent").GetDouble());
        Assert.Equal(0, overhead["single"]);
        Assert.True(overhead["bucketed"] <= overhead["arrival"]);
    }

    [Fact]
    public void EngineSst2_NoListsGiven_RunsTheDefaultStrategies()
    {
        var (exitCode, output, error) = Run(
            "engine-sst2", "--model", RepositoryPaths.DefaultModel, "--data", RepositoryPaths.Sst2Dev, "--limit", "16", "--repeats", "1", "--warmup", "1", "--json");

        Assert.True(exitCode == 0, error);
        using var summary = ParseSummary(output);
        var strategies = summary.RootElement.GetProperty("strategies").EnumerateArray().Select(s => s.GetProperty("strategy").GetString()!).ToArray();
        Assert.Equal(["arrival", "bucketed"], strategies);
    }

    [Fact]
    public void EngineSst2_TwoWorkers_RunsEveryBatchOnce()
    {
        var (exitCode, output, error) = Run(
            "engine-sst2", "--model", RepositoryPaths.LexiconModel, "--data", RepositoryPaths.Sst2Dev, "--limit", "40",
            "--batch-size", "4", "--strategies", "bucketed", "--workers", "2", "--threads", "1", "--repeats", "1", "--warmup", "1", "--json");

        Assert.True(exitCode == 0, error);
        using var summary = ParseSummary(output);
        var root = summary.RootElement;
        Assert.Equal(2, root.GetProperty("workers").GetInt32());
        var bucketed = root.GetProperty("strategies").EnumerateArray().Single();
        Assert.Equal(10, bucketed.GetProperty("batches").GetInt32());
        Assert.True(root.GetProperty("sentencesPerSecond").GetProperty("bucketed").GetDouble() > 0);
    }

    [Fact]
    public void EngineGrain_ShortRun_CountsSentencesBatchesAndPadding()
    {
        var (exitCode, output, error) = Run(
            "engine-grain", "--model", RepositoryPaths.LexiconModel, "--callers", "16", "--seconds", "1", "--warmup-seconds", "0.2", "--spinning", "off", "--json");

        Assert.True(exitCode == 0, error);
        using var summary = ParseSummary(output);
        var root = summary.RootElement;
        Assert.False(root.GetProperty("environment").GetProperty("spinning").GetBoolean());
        long texts = root.GetProperty("texts").GetInt64();
        long batches = root.GetProperty("batches").GetInt64();
        Assert.True(texts > 0 && batches > 0 && batches <= texts, $"{texts} texts in {batches} batches");
        Assert.InRange(root.GetProperty("paddingOverheadPercent").GetDouble(), 0, 500);
        Assert.InRange(root.GetProperty("sentencesPerSecond").GetDouble(), texts / 2.0, texts * 2.0);
    }

    [Fact]
    public void Memory_SmallRun_ReportsBytesPerActivation()
    {
        var (exitCode, output, error) = Run("memory", "--model", RepositoryPaths.LexiconModel, "--keys", "2000", "--json");

        Assert.True(exitCode == 0, error);
        Assert.Contains("bytes/prediction of GC heap", output);
        using var summary = ParseSummary(output);
        var root = summary.RootElement;
        Assert.Equal("memory", root.GetProperty("command").GetString());
        Assert.Equal(2000, root.GetProperty("keys").GetInt32());
        Assert.Equal(2, root.GetProperty("labels").GetInt32());
        // The whole test process's heap is measured, other tests run alongside: only a sanity bound on the figure.
        Assert.True(root.GetProperty("heapBytesPerPrediction").ValueKind == JsonValueKind.Number);
        // Nothing is collected while it measures: the keys, the warm-up's and the runtime's own grains are all there.
        Assert.InRange(root.GetProperty("activations").GetInt32(), 2000 + 200, 2000 + 200 + 100);
    }

    [Theory]
    [InlineData("memory", "--keys", "0")]
    [InlineData("memory", "--stream", "1000")]
    [InlineData("memory-http", "--pid", "1")]
    [InlineData("memory-http", "--url", "ftp://127.0.0.1/", "--pid", "1")]
    [InlineData("memory-http", "--url", "127.0.0.1:8000", "--pid", "1")]
    [InlineData("memory-http", "--url", "http://127.0.0.1:8000", "--pid", "1", "--texts-per-request", "0")]
    [InlineData("engine", "--batchez", "1")]
    [InlineData("engine", "--iterations", "3", "--seconds", "1")]
    [InlineData("engine", "--batches", "1,x")]
    [InlineData("engine", "--graph-optimization", "Fast")]
    [InlineData("engine", "--graph-optimization", "1")]
    [InlineData("engine", "--json", "yes")]
    [InlineData("engine", "--warmup")]
    [InlineData("engine-sst2", "--strategies", "random")]
    [InlineData("engine-grain", "--spinning", "maybe")]
    [InlineData("compare")]
    [InlineData("bench")]
    [InlineData]
    public void BadCommandLine_ExitsWith2AndTheCommandsHelp(params string[] args)
    {
        var (exitCode, output, error) = Run(args);

        Assert.Equal(BenchmarkCli.BadUsage, exitCode);
        Assert.StartsWith("error: ", error);
        Assert.Contains("Usage:", error);
        Assert.Equal("", output);
    }

    [Theory]
    [InlineData("--batches", "engine")]
    [InlineData("--keys", "memory")]
    [InlineData("--callers", "engine-grain")]
    public void BadValue_MessageNamesTheOptionAndHelpIsTheCommands(string option, string command)
    {
        var (_, _, error) = Run(command, option, "-1");

        Assert.Contains($"{option} must be", error);
        // The help of the command, not the root's (the tool's name is the test host's here).
        Assert.Contains($" {command} [options]", error);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("memory", "--help")]
    [InlineData("memory-http", "--help")]
    [InlineData("engine-grain", "-h")]
    public void Help_ExitsWith0AndDescribesTheOptions(params string[] args)
    {
        var (exitCode, output, error) = Run(args);

        Assert.Equal(0, exitCode);
        Assert.Equal("", error);
        Assert.Contains("Usage:", output);
        Assert.Contains(args.Length == 1 ? "memory" : "--json", output);
    }

    [Fact]
    public void MissingModel_ExitsWith1AndOneLine()
    {
        var (exitCode, _, error) = Run("engine", "--model", "/nonexistent/model", "--iterations", "1");

        Assert.Equal(BenchmarkCli.Failed, exitCode);
        Assert.DoesNotContain("Usage:", error);
    }

    private static (int ExitCode, string Output, string Error) Run(params string[] args) => BenchmarkCommand.Run(args);

    private static JsonDocument ParseSummary(string output) => BenchmarkCommand.ParseSummary(output);
}
