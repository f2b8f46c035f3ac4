using System.Diagnostics;

namespace Tests.Infrastructure;

/// <summary>Runs a program of the test machine (helm, node, tsc) to its end within a time limit: its exit code and its standard output and error.</summary>
public static class ExternalCommand
{
    /// <summary>The exit code, and standard output followed by standard error (what a person would read).</summary>
    /// <param name="input">Written to its standard input, which is then closed; null leaves standard input alone.</param>
    /// <param name="environment">Variables set for it on top of the test run's.</param>
    public static (int ExitCode, string Output) Run(string program, IEnumerable<string> arguments, TimeSpan timeout, string? input = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var (exitCode, output, error) = Execute(program, arguments, timeout, input, environment);
        return (exitCode, output + error);
    }

    /// <summary>Standard output alone (a result to parse), after asserting that the program succeeded (its standard error in the message if not).</summary>
    public static string OutputOf(string program, IEnumerable<string> arguments, TimeSpan timeout, IReadOnlyDictionary<string, string>? environment = null)
    {
        var (exitCode, output, error) = Execute(program, arguments, timeout, input: null, environment);
        Assert.True(exitCode == 0, $"{program} {string.Join(' ', arguments)} failed ({exitCode}): {error}");
        return output;
    }

    private static (int ExitCode, string Output, string Error) Execute(string program, IEnumerable<string> arguments, TimeSpan timeout, string? input,
        IReadOnlyDictionary<string, string>? environment)
    {
        var info = new ProcessStartInfo(program)
        {
            RedirectStandardInput = input is not null,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (input is not null)
        {
            process.StandardInput.Write(input);
            process.StandardInput.Close();
        }
        if (!process.WaitForExit(timeout))
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{program} {string.Join(' ', info.ArgumentList)} did not finish within {timeout}.");
        }
        return (process.ExitCode, stdout.Result, stderr.Result);
    }
}
