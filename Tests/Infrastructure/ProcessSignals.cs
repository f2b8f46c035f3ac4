using System.Runtime.InteropServices;

namespace Tests.Infrastructure;

/// <summary>
/// SIGSTOP and SIGCONT for a process the test started: a stopped process keeps its sockets open and the kernel keeps
/// accepting and buffering what peers send, but nothing is answered, as in a long GC pause, a frozen container or VM.
/// SIGTERM asks it to stop gracefully, as Kubernetes does.
/// </summary>
public static class ProcessSignals
{
    // Linux signal numbers (x86-64 and arm64 alike).
    private const int SigTerm = 15;
    private const int SigCont = 18;
    private const int SigStop = 19;

    public static void Terminate(int pid) => Send(pid, SigTerm);

    public static void Stop(int pid) => Send(pid, SigStop);

    public static void Continue(int pid) => Send(pid, SigCont);

    private static void Send(int pid, int signal)
    {
        if (kill(pid, signal) != 0)
        {
            throw new InvalidOperationException($"kill({pid}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    [DllImport("libc.so.6", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}
