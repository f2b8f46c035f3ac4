namespace LoadRunner;

/// <summary>Process entry point: wires Ctrl+C to a graceful stop and hands over to <see cref="LoadRunnerCommand"/>.</summary>
internal static class Program
{
    private const string InlineSocketCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public static async Task<int> Main(string[] args)
    {
        bool serving = args.Length > 0 && args[0] == "serve-bare";
        if (!serving && Environment.GetEnvironmentVariable(InlineSocketCompletions) is null)
        {
            // Run socket continuations on the epoll thread instead of hopping to the thread pool: the runner's
            // continuations are short and never block, and this saves ~20 % of its CPU per request, which on a
            // shared machine goes to the server under test. Read once, when the first socket is made, so it must be
            // set before any. Not for serve-bare: a server's handlers may block.
            Environment.SetEnvironmentVariable(InlineSocketCompletions, "1");
        }
        using var stop = new CancellationTokenSource();
        Console.CancelKeyPress += (_, e) =>
        {
            // The first Ctrl+C ends the run early and still prints the report; a second one kills the process.
            if (!stop.IsCancellationRequested)
            {
                e.Cancel = true;
                stop.Cancel();
            }
        };
        return await LoadRunnerCommand.RunAsync(args, Console.Out, Console.Error, stop.Token);
    }
}
