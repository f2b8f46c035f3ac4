using LoadRunner.Bare;
using LoadRunner.Options;
using LoadRunner.Reporting;
using LoadRunner.Running;
using LoadRunner.Workload;

namespace LoadRunner;

/// <summary>
/// The command line: <c>[run] [options]</c> loads a service and prints the report, <c>serve-bare</c> serves the
/// baseline endpoint. Exit codes: 0 the run completed (failed requests are reported, not fatal), 1 a request failed
/// and <c>--fail-on-errors</c> was given, 2 a bad command line or unreadable texts.
/// </summary>
internal static class LoadRunnerCommand
{
    public const int Completed = 0;
    public const int RequestsFailed = 1;
    public const int BadUsage = 2;

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error, CancellationToken stop)
    {
        if (args.Count > 0 && args[0] == "serve-bare")
        {
            return await BareServer.RunAsync(args.Skip(1).ToArray(), output, error, stop);
        }
        var runArgs = args.Count > 0 && args[0] == "run" ? args.Skip(1).ToArray() : args;
        if (runArgs.Any(a => a is "--help" or "-h"))
        {
            output.WriteLine(RunOptionsParser.Usage);
            return Completed;
        }

        RunOptions options;
        string textsPath;
        IReadOnlyList<string> sentences;
        try
        {
            options = RunOptionsParser.Parse(runArgs);
            textsPath = ResolveTextsPath(options.TextsPath);
            sentences = TextCorpus.Load(textsPath);
            if (sentences.Count == 0)
            {
                throw new UsageException($"--texts '{textsPath}' holds no sentence");
            }
        }
        catch (UsageException e)
        {
            error.WriteLine($"error: {e.Message}");
            error.WriteLine(RunOptionsParser.Usage);
            return BadUsage;
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
