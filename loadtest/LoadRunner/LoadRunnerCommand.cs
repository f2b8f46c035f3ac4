using System.CommandLine;
using System.CommandLine.Parsing;
using LoadRunner.Bare;
using LoadRunner.Options;
using LoadRunner.Reporting;
using LoadRunner.Running;
using LoadRunner.Workload;

namespace LoadRunner;

/// <summary>
/// The command line (System.CommandLine): <c>[run] [options]</c> loads a service and prints the report,
/// <c>serve-bare</c> serves the baseline endpoint. Exit codes: 0 the run completed (failed requests are reported, not
/// fatal), 1 a request failed and <c>--fail-on-errors</c> was given, 2 a bad command line or unreadable texts (the
/// errors, then the command's help, on stderr).
/// </summary>
internal static class LoadRunnerCommand
{
    public const int Completed = 0;
    public const int RequestsFailed = 1;
    public const int BadUsage = 2;

    public static RootCommand CreateRootCommand()
    {
        // The root command runs the load too, so that "run" may be left out.
        var root = new RootCommand("Loads POST /predict and reports latency and throughput (see loadtest/README.md).");
        AddRun(root);
        var run = new Command("run", "load POST /predict and report latency and throughput (the default command)");
        AddRun(run);
        root.Subcommands.Add(run);

        var urls = new Option<string>("--urls")
        {
            Description = "addresses to listen on, ';'-separated",
            HelpName = "url",
            DefaultValueFactory = _ => BareServer.DefaultUrls,
        };
        var http2 = new Option<bool>("--http2") { Description = "HTTP/2 only (prior knowledge) instead of HTTP/1.1", Arity = ArgumentArity.Zero };
        var serveBare = new Command("serve-bare", "a minimal POST /predict with a fixed answer (the baseline)") { urls, http2 };
        serveBare.SetAction((parse, stop) => BareServer.RunAsync(
            parse.GetRequiredValue(urls), parse.GetValue(http2), parse.InvocationConfiguration.Output, parse.InvocationConfiguration.Error, stop));
        root.Subcommands.Add(serveBare);
        return root;
    }

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken stop)
    {
        var parse = CreateRootCommand().Parse(args);
        if (parse.Errors.Count > 0)
        {
            return Usage(parse.CommandResult, parse.Errors.Select(e => e.Message), error);
        }
        // Ctrl+C is the caller's (Program stops the run through stop and still prints the report), not the parser's.
        var invocation = new InvocationConfiguration { Output = output, Error = error, ProcessTerminationTimeout = null, EnableDefaultExceptionHandler = false };
        return await parse.InvokeAsync(invocation, stop);
    }

    private static void AddRun(Command command)
    {
        var parser = new RunOptionsParser();
        parser.AddTo(command);
        command.SetAction((parse, stop) => RunLoadAsync(parse, parser.Read(parse), stop));
    }

    private static async Task<int> RunLoadAsync(ParseResult parse, RunOptions options, CancellationToken stop)
    {
        var output = parse.InvocationConfiguration.Output;
        var error = parse.InvocationConfiguration.Error;
        string textsPath;
        IReadOnlyList<string> sentences;
        try
        {
            textsPath = ResolveTextsPath(options.TextsPath);
            sentences = TextCorpus.Load(textsPath);
            if (sentences.Count == 0)
            {
                throw new UsageException($"--texts '{textsPath}' holds no sentence");
            }
        }
        catch (UsageException e)
        {
            return Usage(parse.CommandResult, [e.Message], error);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"error: cannot read the texts: {e.Message}");
            return BadUsage;
        }

        var result = await LoadRun.RunAsync(options, sentences, textsPath, output, stop);
        RunReport.Write(result, output);
        return options.FailOnErrors && result.Measured.Errors > 0 ? RequestsFailed : Completed;
    }

    /// <summary>The errors, then the help of the command they belong to; exit code <see cref="BadUsage"/>.</summary>
    private static int Usage(CommandResult command, IEnumerable<string> messages, TextWriter error)
    {
        Tools.Shared.CommandLineErrors.Write(CreateRootCommand(), command, messages, error);
        return BadUsage;
    }

    private static string ResolveTextsPath(string? given)
    {
        if (given is not null)
        {
            return File.Exists(given) ? Path.GetFullPath(given) : throw new UsageException($"--texts '{given}' does not exist");
        }
        string? root = RepositoryRoot.Find();
        string? path = root is null ? null : Path.Combine(root, RepositoryRoot.DefaultTextsRelativePath);
        return path is not null && File.Exists(path)
            ? path
            : throw new UsageException($"no --texts given and no {RepositoryRoot.DefaultTextsRelativePath} found above the executable or the working directory");
    }
}
