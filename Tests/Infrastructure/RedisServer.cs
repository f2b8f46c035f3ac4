using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Tests.Infrastructure;

/// <summary>
/// A real redis-server (/usr/bin/redis-server) on its own loopback port, without persistence. Start with
/// <see cref="StartAsync"/>; <see cref="StopAsync"/> kills it (a crash, as clients see it) and
/// <see cref="RestartAsync"/> brings it back empty on the same port. <see cref="CliAsync"/> runs redis-cli against
/// it, an independent reference for what a client wrote or should read. Disposing kills the process; so does the
/// test host's exit, for any instance a test forgot.
/// </summary>
public sealed class RedisServer : IAsyncDisposable
{
    private const string ServerPath = "/usr/bin/redis-server";
    private const string CliPath = "/usr/bin/redis-cli";
    private const int StartAttempts = 5;
    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(10);
    private static readonly TimeSpan CliTimeout = TimeSpan.FromSeconds(10);

    private static readonly HashSet<RedisServer> s_running = [];

    private readonly string[] _arguments;
    private readonly StringBuilder _output = new();
    private Process? _process;

    static RedisServer()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            lock (s_running)
            {
                foreach (var server in s_running)
                {
                    server.Kill();
                }
            }
        };
    }

    private RedisServer(int port, string[] arguments)
    {
        Port = port;
        _arguments = arguments;
        // "--requirepass x" makes redis-cli authenticate too (through REDISCLI_AUTH, so no warning on stderr).
        int index = Array.IndexOf(arguments, "--requirepass");
        Password = index >= 0 && index + 1 < arguments.Length ? arguments[index + 1] : null;
    }

    public int Port { get; }

    /// <summary><c>127.0.0.1:port</c>, as <c>RedisOptions.Endpoint</c> takes it.</summary>
    public string Endpoint => $"127.0.0.1:{Port}";

    /// <summary>The default user's password (from <c>--requirepass</c>), used by <see cref="CliAsync"/>.</summary>
    public string? Password { get; }

    /// <summary>True while the process runs.</summary>
    public bool IsRunning => _process is { HasExited: false };

    /// <summary>What the server logged (all runs).</summary>
    public string Output { get { lock (_output) { return _output.ToString(); } } }

    /// <summary>
    /// Starts redis-server on a free loopback port with <paramref name="extraArguments"/> (e.g. "--requirepass", "pw")
    /// and waits until it answers.
    /// </summary>
    public static async Task<RedisServer> StartAsync(params string[] extraArguments)
    {
        for (int attempt = 1; ; attempt++)
        {
            var server = new RedisServer(FreePort.Reserve(), extraArguments);
            try
            {
                await server.RunAsync();
                return server;
            }
            catch (Exception) when (attempt < StartAttempts && server.Output.Contains("Address already in use", StringComparison.Ordinal))
            {
                // Another process took the port between our probe and redis' bind: take another.
                await server.DisposeAsync();
            }
            catch
            {
                await server.DisposeAsync();
                throw;
            }
        }
    }

    /// <summary>Kills the server (SIGKILL: clients see their connections reset, as in a crash) and waits for it to exit.</summary>
    public async Task StopAsync()
    {
        var process = _process;
        if (process is null)
        {
            return;
        }
        Kill();
        await process.WaitForExitAsync();
        lock (s_running)
        {
            s_running.Remove(this);
        }
        process.Dispose();
        _process = null;
    }

    /// <summary>
    /// Freezes the process (SIGSTOP): the kernel still accepts connections and buffers what clients send, but
    /// nothing is answered until <see cref="Thaw"/>. Unlike CLIENT PAUSE, the freeze lasts exactly as long as the
    /// test wants, however slowly a loaded machine runs the steps in between.
    /// </summary>
    public void Freeze() => ProcessSignals.Stop(RunningProcessId);

    /// <summary>Resumes a process frozen by <see cref="Freeze"/> (SIGCONT).</summary>
    public void Thaw() => ProcessSignals.Continue(RunningProcessId);

    /// <summary>Stops the server if it runs and starts a fresh, empty one on the same port.</summary>
    public async Task RestartAsync()
    {
        await StopAsync();
        await RunAsync();
    }

    /// <summary>
    /// Runs <c>redis-cli -p port args...</c> and returns its standard output as text, without the final newline
    /// (redis-cli prints raw replies when not on a terminal: "OK", a value, "" for nil). Error replies are output
    /// too (redis-cli exits 0 on them); a non-zero exit (e.g. cannot connect) throws.
    /// </summary>
    public async Task<string> CliAsync(params string[] args)
    {
        var output = Encoding.UTF8.GetString(await CliRawAsync(null, args));
        return output.EndsWith('\n') ? output[..^1] : output;
    }

    /// <summary>
    /// Runs redis-cli with <paramref name="standardInput"/> on its stdin (with <c>-x</c>, redis-cli takes the last
    /// argument from there, byte for byte) and returns its raw standard output (a GET prints the value's bytes then "\n").
    /// </summary>
    public async Task<byte[]> CliRawAsync(byte[]? standardInput, params string[] args)
    {
        var info = new ProcessStartInfo(CliPath)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add("-p");
        info.ArgumentList.Add(Port.ToString());
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }
        if (Password is not null)
        {
            info.Environment["REDISCLI_AUTH"] = Password;
        }
        using var process = Process.Start(info)!;
        using var timeout = new CancellationTokenSource(CliTimeout);
        try
        {
            var stdout = new MemoryStream();
            var copyOut = process.StandardOutput.BaseStream.CopyToAsync(stdout, timeout.Token);
            var readErr = process.StandardError.ReadToEndAsync(timeout.Token);
            if (standardInput is not null)
            {
                await process.StandardInput.BaseStream.WriteAsync(standardInput, timeout.Token);
            }
            process.StandardInput.Close();
            await copyOut;
            string stderr = await readErr;
            await process.WaitForExitAsync(timeout.Token);
            if (process.ExitCode != 0)
            {
                throw new InvalidOperationException($"redis-cli {string.Join(' ', args)} exited with {process.ExitCode}: {stderr}{Encoding.UTF8.GetString(stdout.ToArray())}");
            }
            return stdout.ToArray();
        }
        catch (OperationCanceledException)
        {
            process.Kill();
            throw new TimeoutException($"redis-cli {string.Join(' ', args)} did not finish within {CliTimeout}.");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
    }

    private async Task RunAsync()
    {
        var info = new ProcessStartInfo(ServerPath)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in (string[])["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", .. _arguments])
        {
            info.ArgumentList.Add(argument);
        }
        var process = new Process { StartInfo = info };
        lock (s_running)
        {
            process.Start();
            _process = process;
            s_running.Add(this);
        }
        await WaitReadyAsync(process, ProcessOutput.ReadLines(process, Append));
    }

    /// <summary>Until the server answers a PING (PONG, or NOAUTH when it requires a password).</summary>
    private async Task WaitReadyAsync(Process process, Task outputRead)
    {
        var deadline = DateTime.UtcNow + ReadyTimeout;
        while (true)
        {
            if (process.HasExited)
            {
                await outputRead; // what it said before it exited
                throw new InvalidOperationException($"redis-server on port {Port} exited with {process.ExitCode}:\n{Output}");
            }
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"redis-server on port {Port} did not answer within {ReadyTimeout}:\n{Output}");
            }
            if (await AnswersPingAsync())
            {
                return;
            }
            await Task.Delay(20);
        }
    }

    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1));
            await socket.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
            await socket.SendAsync("PING\r\n"u8.ToArray(), SocketFlags.None, timeout.Token);
            var reply = new byte[64];
            int received = await socket.ReceiveAsync(reply, SocketFlags.None, timeout.Token);
            return received > 0 && (reply[0] == (byte)'+' || reply[0] == (byte)'-');
        }
        catch (Exception exception) when (exception is SocketException or OperationCanceledException)
        {
            return false;
        }
    }

    private int RunningProcessId => (_process ?? throw new InvalidOperationException("The server is not running.")).Id;

    private void Kill()
    {
        try
        {
            if (_process is { HasExited: false } process)
            {
                process.Kill();
            }
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
    }

    private void Append(string line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }
}
