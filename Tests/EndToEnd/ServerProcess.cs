using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Tests.Infrastructure;

namespace Tests.EndToEnd;

/// <summary>A built host (the API, or a silo) started as its own OS process, as a user runs it, on a free loopback port.</summary>
public sealed class ServerProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Task _outputRead;

    private ServerProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
        _outputRead = ProcessOutput.ReadLines(process, Append);
    }

    public Uri Address { get; }

    public string Output { get { lock (_output) { return _output.ToString(); } } }

    public bool HasExited => _process.HasExited;

    public int ProcessId => _process.Id;

    public int ExitCode => _process.ExitCode;

    /// <summary>The Api.dll built in the same configuration as this test assembly.</summary>
    public static string ApiAssembly => BuiltAssembly("Api");

    /// <summary>The Silo.dll built in the same configuration as this test assembly.</summary>
    public static string SiloAssembly => BuiltAssembly("Silo");

    /// <summary>The API on a free port, with <paramref name="arguments"/> after <c>--urls</c>.</summary>
    public static ServerProcess Start(params string[] arguments)
    {
        var address = new Uri($"http://127.0.0.1:{FreePort.Reserve()}/");
        return Start(ApiAssembly, address, ["--urls", address.ToString().TrimEnd('/'), .. arguments]);
    }

    /// <summary>
    /// <paramref name="assembly"/> with <paramref name="arguments"/> and <paramref name="environment"/> on top of this
    /// process's; <paramref name="address"/> is where it serves health.
    /// </summary>
    public static ServerProcess Start(string assembly, Uri address, IEnumerable<string> arguments, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }
        info.ArgumentList.Add(assembly);
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        return new ServerProcess(Process.Start(info)!, address);
    }

    private static string BuiltAssembly(string project)
    {
        string configuration = new DirectoryInfo(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)).Parent!.Name;
        return Path.Combine(RepositoryPaths.Root, project, "bin", configuration, "net10.0", project + ".dll");
    }

    public async Task<bool> WaitReadyAsync(TimeSpan timeout)
    {
        using var http = new HttpClient { BaseAddress = Address, Timeout = TimeSpan.FromSeconds(5) };
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline && !_process.HasExited)
        {
            try
            {
                using var response = await http.GetAsync("health/ready");
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            await Task.Delay(100);
        }
        return false;
    }

    /// <summary>SIGTERM, as Kubernetes and Ctrl+C send; waits for a graceful exit.</summary>
    public async Task<int> StopAsync(TimeSpan timeout)
    {
        if (!_process.HasExited)
        {
            Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();
        }
        using var cancel = new CancellationTokenSource(timeout);
        await _process.WaitForExitAsync(cancel.Token);
        await _outputRead.WaitAsync(cancel.Token);
        return _process.ExitCode;
    }

    /// <summary>SIGTERM without waiting: the test watches the process stop.</summary>
    public void Terminate() => ProcessSignals.Terminate(_process.Id);

    /// <summary>Waits for the process to exit on its own, and for its redirected output to be read to the end.</summary>
    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            await _outputRead.WaitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>SIGSTOP: the process stops answering without closing its sockets (a long GC pause, a frozen container).</summary>
    public void Pause() => ProcessSignals.Stop(_process.Id);

    /// <summary>SIGCONT: a paused process runs on.</summary>
    public void Resume() => ProcessSignals.Continue(_process.Id);

    /// <summary>SIGKILL: the process dies mid-work, as in a crash or an OOM kill.</summary>
    public async Task KillAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        await _outputRead;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        await _outputRead;
        _process.Dispose();
    }

    private void Append(string line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

}
