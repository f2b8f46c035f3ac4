namespace LoadRunner;

/// <summary>Process entry point: wires Ctrl+C to a graceful stop and hands over to <see cref="LoadRunnerCommand"/>.</summary>
internal static class Program
{
    public static async Task<int> Main(string[] args)
    {
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
