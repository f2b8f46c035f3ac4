using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Redis;
using Tests.Infrastructure;

namespace Tests.Redis;

/// <summary>
/// What callers see when Redis goes away, hangs or refuses: fast failures while nothing is connected, timeouts
/// bounded by the command timeout, recovery without a new client, and cancellation that keeps connections in step.
/// </summary>
public sealed class RedisResilienceTests
{
    // Generous bounds for a shared two-core machine; the behaviour they guard is an order of magnitude apart.
    private static readonly TimeSpan FailFast = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(15);

    [Fact]
    public async Task While_Redis_is_down_commands_fail_fast_and_after_a_restart_the_same_client_works_again()
    {
        await using var server = await RedisServer.StartAsync();
        await using var client = new RedisClient(new RedisOptions
        {
            Endpoint = server.Endpoint,
            // Long enough that waiting for anything (a reply, a reconnect) would show.
            CommandTimeout = TimeSpan.FromSeconds(5),
            ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(300),
        });
        await client.SetAsync("res:k", "before"u8.ToArray());

        await server.StopAsync();
        await WaitUntilAsync(() => !client.IsConnected, "the client to notice the server is gone");
        for (int i = 0; i < 5; i++)
        {
            var stopwatch = Stopwatch.StartNew();
            var error = await Assert.ThrowsAsync<RedisConnectionException>(() => client.GetAsync("res:k"));
            Assert.True(stopwatch.Elapsed < FailFast, $"Failing took {stopwatch.Elapsed}.");
            Assert.Contains(server.Endpoint, error.Message);
        }
        var batch = client.CreateBatch();
        var set = batch.SetAsync("res:k", "during"u8.ToArray());
        await Assert.ThrowsAsync<RedisConnectionException>(() => batch.ExecuteAsync());
        await Assert.ThrowsAsync<RedisConnectionException>(() => set);

        await server.RestartAsync();
        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                // The restarted server is empty (no persistence): null, not "before".
                Assert.Null(await client.GetAsync("res:k"));
                break;
            }
            catch (RedisConnectionException) when (deadline.Elapsed < Recovery)
            {
                await Task.Delay(25);
            }
        }
        Assert.True(client.IsConnected);
        await client.SetAsync("res:k", "after"u8.ToArray());
        Assert.Equal("after", await server.CliAsync("GET", "res:k"));
    }

    [Fact]
    public async Task Connection_refused_fails_fast_with_the_reason()
    {
        int port = FreePort.Reserve();
        await using var client = new RedisClient(new RedisOptions { Endpoint = $"127.0.0.1:{port}" });
        var stopwatch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => client.PingAsync());
        Assert.True(stopwatch.Elapsed < FailFast, $"Failing took {stopwatch.Elapsed}.");
        Assert.Contains("refused", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(client.IsConnected);

        stopwatch.Restart();
        await Assert.ThrowsAsync<RedisConnectionException>(() => client.GetAsync("res:k"));
        Assert.True(stopwatch.Elapsed < FailFast, $"Failing again took {stopwatch.Elapsed}.");
    }

    [Fact]
    public async Task A_connect_that_hangs_fails_after_the_connect_timeout()
    {
        // A listener whose accept queue is full: Linux drops further SYNs, so a connect neither succeeds nor fails
        // (it would retry for about two minutes).
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        listener.Listen(0);
        var endpoint = (IPEndPoint)listener.LocalEndPoint!;
        using var filler = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await filler.ConnectAsync(endpoint);

        await using var client = new RedisClient(new RedisOptions { Endpoint = endpoint.ToString(), ConnectTimeout = TimeSpan.FromMilliseconds(300) });
        var stopwatch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => client.PingAsync());
        Assert.Contains("timed out after 300 ms", error.Message);
        Assert.True(stopwatch.Elapsed < TimeSpan.FromSeconds(5), $"Took {stopwatch.Elapsed}.");
    }

    [Fact]
    public async Task A_server_that_never_answers_times_commands_out_and_is_reconnected_to()
    {
        await using var silent = new UnresponsiveServer();
        var timeout = TimeSpan.FromMilliseconds(400);
        await using var client = new RedisClient(new RedisOptions
        {
            Endpoint = silent.Endpoint,
            Connections = 1,
            CommandTimeout = timeout,
            ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        });

        var stopwatch = Stopwatch.StartNew();
        var error = await Assert.ThrowsAsync<RedisTimeoutException>(() => client.GetAsync("res:k"));
        Assert.InRange(stopwatch.Elapsed, timeout * 0.9, timeout + TimeSpan.FromSeconds(1.5));
        Assert.Contains("GET", error.Message);
        Assert.True(silent.BytesReceived > 0);

        // The stuck connection was dropped and a new one opened.
        await WaitUntilAsync(() => silent.Connections >= 2, "a reconnect");

        // Later calls neither hang nor succeed: each ends within about the timeout, failing one way or the other.
        for (int i = 0; i < 3; i++)
        {
            stopwatch.Restart();
            var exception = await Assert.ThrowsAnyAsync<RedisException>(() => client.SetAsync("res:k", "v"u8.ToArray()));
            Assert.True(exception is RedisTimeoutException or RedisConnectionException, exception.ToString());
            Assert.True(stopwatch.Elapsed < timeout + TimeSpan.FromSeconds(1.5), $"Call {i} took {stopwatch.Elapsed}.");
        }
    }

    [Fact]
    public async Task Concurrent_commands_to_a_server_that_never_answers_all_end_in_bounded_time()
    {
        await using var silent = new UnresponsiveServer();
        var timeout = TimeSpan.FromMilliseconds(300);
        await using var client = new RedisClient(new RedisOptions { Endpoint = silent.Endpoint, CommandTimeout = timeout });
        var stopwatch = Stopwatch.StartNew();
        var calls = Enumerable.Range(0, 50).Select(i => client.GetAsync($"res:{i}")).ToArray();
        var outcomes = await Task.WhenAll(calls.Select(async call =>
        {
            try
            {
                await call;
                return null;
            }
            catch (RedisException exception)
            {
                return exception;
            }
        }));
        Assert.True(stopwatch.Elapsed < timeout + TimeSpan.FromSeconds(1.5), $"Took {stopwatch.Elapsed}.");
        Assert.All(outcomes, outcome => Assert.True(outcome is RedisTimeoutException or RedisConnectionException, outcome?.ToString()));
        Assert.Contains(outcomes, outcome => outcome is RedisTimeoutException);
    }

    [Fact]
    public async Task A_paused_server_times_commands_out_and_the_client_recovers_when_it_resumes()
    {
        await using var server = await RedisServer.StartAsync();
        await using var client = new RedisClient(new RedisOptions
        {
            Endpoint = server.Endpoint,
            Connections = 1,
            CommandTimeout = TimeSpan.FromMilliseconds(300),
            ReconnectMinDelay = TimeSpan.FromMilliseconds(50),
            ReconnectMaxDelay = TimeSpan.FromMilliseconds(200),
        });
        await client.SetAsync("res:k", "v"u8.ToArray());
        server.Freeze();
        await Assert.ThrowsAsync<RedisTimeoutException>(() => client.GetAsync("res:k"));
        server.Thaw();

        var deadline = Stopwatch.StartNew();
        while (true)
        {
            try
            {
                Assert.Equal("v"u8.ToArray(), await client.GetAsync("res:k"));
                break;
            }
            catch (RedisException) when (deadline.Elapsed < Recovery)
            {
                await Task.Delay(25);
            }
        }
    }

    [Fact]
    public async Task A_cancelled_command_is_cancelled_and_its_reply_does_not_reach_the_next_caller()
    {
        await using var server = await RedisServer.StartAsync();
        await using var client = new RedisClient(new RedisOptions { Endpoint = server.Endpoint, Connections = 1, CommandTimeout = TimeSpan.FromSeconds(10) });
        await client.SetAsync("res:a", "value-a"u8.ToArray());
        await client.SetAsync("res:b", "value-b"u8.ToArray());

        // While the server holds every command, cancel one that is already on the wire.
        server.Freeze();
        using var cancellation = new CancellationTokenSource();
        var cancelled = client.GetAsync("res:a", cancellation.Token);
        var next = client.GetAsync("res:b");
        cancellation.CancelAfter(TimeSpan.FromMilliseconds(50));
        // The server answers nothing while frozen: the cancelled caller did not wait for its reply.
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        Assert.False(next.IsCompleted);
        server.Thaw();

        // The reply to the cancelled GET arrives first and is dropped; the next caller gets its own.
        Assert.Equal("value-b"u8.ToArray(), await next);
        Assert.Equal("value-a"u8.ToArray(), await client.GetAsync("res:a"));
        Assert.True(client.IsConnected);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.GetAsync("res:a", new CancellationToken(canceled: true)));
    }

    [Fact]
    public async Task Disposing_fails_pending_commands_and_later_calls_throw_ObjectDisposedException()
    {
        await using var silent = new UnresponsiveServer();
        var client = new RedisClient(new RedisOptions { Endpoint = silent.Endpoint, CommandTimeout = TimeSpan.FromSeconds(30) });
        var pending = client.GetAsync("res:k");
        await WaitUntilAsync(() => silent.BytesReceived > 0, "the command to be sent");

        var stopwatch = Stopwatch.StartNew();
        await client.DisposeAsync();
        Assert.True(stopwatch.Elapsed < FailFast, $"Disposing took {stopwatch.Elapsed}.");
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => pending);
        Assert.Contains("disposed", error.Message);
        Assert.False(client.IsConnected);
        await Assert.ThrowsAsync<ObjectDisposedException>(() => client.GetAsync("res:k"));
        Assert.Throws<ObjectDisposedException>(() => client.CreateBatch());
        await client.DisposeAsync();
    }

    [Fact]
    public async Task Disposing_while_connecting_ends_promptly()
    {
        int port = FreePort.Reserve();
        var client = new RedisClient(new RedisOptions { Endpoint = $"127.0.0.1:{port}", ReconnectMinDelay = TimeSpan.FromSeconds(30), ReconnectMaxDelay = TimeSpan.FromSeconds(30) });
        await Assert.ThrowsAsync<RedisConnectionException>(() => client.PingAsync());
        var stopwatch = Stopwatch.StartNew();
        await client.DisposeAsync();
        Assert.True(stopwatch.Elapsed < FailFast, $"Disposing during the reconnect delay took {stopwatch.Elapsed}.");
    }

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!condition())
        {
            Assert.True(deadline.Elapsed < Recovery, $"Timed out waiting for {what}.");
            await Task.Delay(10);
        }
    }

}
