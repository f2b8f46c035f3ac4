using System.Diagnostics;

namespace Tests.Infrastructure;

/// <summary>
/// Reads a child process's standard output and error line by line on two dedicated threads.
/// Not <see cref="Process.BeginOutputReadLine"/>: a pipe has no asynchronous read on Linux, so each stream read that way
/// holds a thread-pool thread blocked in read(2) for the child's whole life (dotnet/runtime#81896). A test running five
/// servers starved its own pool that way, and its load generator's sends and answers waited 0.5-0.9 s for a thread:
/// tails the chaos test once blamed on the service.
/// </summary>
public static class ProcessOutput
{
    /// <summary>
    /// Starts reading both redirected streams of <paramref name="process"/>, calling <paramref name="onLine"/> for each
    /// line (from either reader's thread). The task completes when both streams have ended: the process exited and
    /// everything it wrote has been read.
    /// </summary>
    public static Task ReadLines(Process process, Action<string> onLine)
    {
        string name = $"pid {process.Id}";
        return Task.WhenAll(Read(process.StandardOutput, onLine, $"{name} stdout"), Read(process.StandardError, onLine, $"{name} stderr"));
    }

    private static Task Read(StreamReader reader, Action<string> onLine, string name)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        new Thread(() =>
        {
            try
            {
                while (reader.ReadLine() is { } line)
                {
                    onLine(line);
                }
            }
            catch (Exception e) when (e is IOException or ObjectDisposedException)
            {
                // the process was disposed while its output was read: nothing more will come
            }
            finally
            {
                ended.TrySetResult();
            }
        })
        { IsBackground = true, Name = name }.Start();
        return ended.Task;
    }
}
