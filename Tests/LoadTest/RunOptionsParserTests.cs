using LoadRunner;
using LoadRunner.Options;

namespace Tests.LoadTest;

public sealed class RunOptionsParserTests
{
    [Fact]
    public void Parse_Nothing_ClosedLoopDefaults()
    {
        var options = RunOptionsParser.Parse([]);

        Assert.Equal(RunMode.ClosedLoop, options.Mode);
        Assert.Equal(10, options.VirtualUsers);
        Assert.Equal(new Uri("http://127.0.0.1:8000/predict"), options.PredictUrl);
        Assert.Equal(TimeSpan.FromSeconds(30), options.Duration);
        Assert.True(options.Prime);
    }

    [Fact]
    public void Parse_OpenLoopWithEverything_AllRead()
    {
        var options = RunOptionsParser.Parse(["--rate", "250.5", "--max-in-flight=64", "--url", "http://localhost:9000/base/", "--duration", "500ms",
            "--warmup", "0", "--cache-rate", "0", "--pool-size", "7", "--texts-per-request", "4", "--http2", "--fail-on-errors", "--timeout", "2m"]);

        Assert.Equal(RunMode.OpenLoop, options.Mode);
        Assert.Equal(250.5, options.Rate);
        Assert.Equal(64, options.MaxInFlight);
        Assert.Equal(new Uri("http://localhost:9000/base/predict"), options.PredictUrl);
        Assert.Equal(TimeSpan.FromMilliseconds(500), options.Duration);
        Assert.Equal(TimeSpan.Zero, options.Warmup);
        Assert.Equal(TimeSpan.FromMinutes(2), options.Timeout);
        Assert.Equal(7, options.PoolSize);
        Assert.Equal(4, options.TextsPerRequest);
        Assert.True(options.Http2);
        Assert.True(options.FailOnErrors);
        Assert.False(options.Prime); // cache rate 0: nothing would be repeated
    }

    [Fact]
    public void Parse_UrlNamingTheEndpoint_UsedAsIs()
    {
        Assert.Equal(new Uri("http://h:1/predict"), RunOptionsParser.Parse(["--url", "http://h:1/predict"]).PredictUrl);
    }

    [Theory]
    [InlineData("--vus", "0")]
    [InlineData("--vus", "ten")]
    [InlineData("--rate", "-1")]
    [InlineData("--cache-rate", "1.5")]
    [InlineData("--duration", "0s")]
    [InlineData("--duration", "soon")]
    [InlineData("--url", "localhost:8000")]
    [InlineData("--bogus", "1")]
    [InlineData("--vus", "1", "--rate", "5")]
    [InlineData("--max-in-flight", "5")]
    [InlineData("--vus")]
    [InlineData("--http2=yes")]
    [InlineData("--prime", "--no-prime")]
    [InlineData("run", "--vus", "0")]
    [InlineData("serve-bare", "--port", "80")]
    public async Task Command_BadOption_ExitCode2AndMessageNamesIt(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        int exitCode = await LoadRunnerCommand.RunAsync(args, output, error, CancellationToken.None);

        Assert.Equal(LoadRunnerCommand.BadUsage, exitCode);
        Assert.StartsWith("error: ", error.ToString());
        Assert.Contains(args.First(a => a.StartsWith("--", StringComparison.Ordinal)).Split('=')[0], error.ToString());
        Assert.Contains("Usage:", error.ToString()); // the command's help follows the errors
        Assert.Equal("", output.ToString());
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("run", "-h")]
    [InlineData("serve-bare", "--help")]
    public async Task Command_Help_ExitCode0AndTheOptionsOnOutput(params string[] args)
    {
        var output = new StringWriter();
        var error = new StringWriter();

        int exitCode = await LoadRunnerCommand.RunAsync(args, output, error, CancellationToken.None);

        Assert.Equal(LoadRunnerCommand.Completed, exitCode);
        Assert.Equal("", error.ToString());
        Assert.Contains(args[0] == "serve-bare" ? "--urls" : "--cache-rate", output.ToString());
    }

    [Fact]
    public void Parse_RunWordOptional_SameOptions()
    {
        var parse = LoadRunnerCommand.CreateRootCommand().Parse(["run", "--vus", "3", "--duration=2s"]);

        Assert.Empty(parse.Errors);
        Assert.Equal("run", parse.CommandResult.Command.Name);
    }

    [Fact]
    public async Task Command_MissingTextsFile_ExitCode2()
    {
        var error = new StringWriter();

        int exitCode = await LoadRunnerCommand.RunAsync(["--texts", "/nonexistent/texts.tsv"], new StringWriter(), error, CancellationToken.None);

        Assert.Equal(LoadRunnerCommand.BadUsage, exitCode);
        Assert.Contains("--texts", error.ToString());
    }
}
