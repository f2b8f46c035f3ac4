using Tests.Benchmarks;

namespace Tests.Tokenization;

/// <summary>The benchmark command the tokenizer's README quotes (tools/Benchmarks <c>tokenizer</c>) runs and reports.</summary>
public sealed class TokenizerBenchmarkCommandTests
{
    [Fact]
    public void Tokenizer_ShortRun_ReportsRateAndBytesPerText()
    {
        (int exitCode, string output, string error) = BenchmarkCommand.Run(
            "tokenizer", "--data", "eval/data/sst2/dev.tsv", "--passes", "1", "--seconds", "0.1");

        Assert.True(exitCode == 0, error);
        Assert.Contains("872 texts", output);
        Assert.Matches(@"# median \d+ texts/s, \d+ bytes allocated per text", output);
    }

    [Fact]
    public void Tokenizer_MissingData_ExitsWith2NamingThePath()
    {
        (int exitCode, _, string error) = BenchmarkCommand.Run("tokenizer", "--data", "no/such.tsv");

        Assert.Equal(2, exitCode);
        Assert.Contains("no/such.tsv", error);
    }
}
