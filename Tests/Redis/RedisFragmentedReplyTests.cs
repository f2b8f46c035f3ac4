using System.Text;
using Redis;
using Tests.Infrastructure;

namespace Tests.Redis;

/// <summary>
/// Replies that reach the client in many small TCP pieces, end to end through a connection's reader: long error
/// lines that outgrow the receive buffer, large bulk strings, nested arrays with nulls, pipelined replies.
/// </summary>
public class RedisFragmentedReplyTests
{
    private static readonly byte[] Large = MakeLarge();
    private static readonly string LongError = "ERR " + new string('x', 40_000);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task Every_reply_arrives_intact_however_it_is_split(int seed)
    {
        await using var server = new ScriptedRedisServer(Answer, seed);
        await using var client = new RedisClient(new RedisOptions { Endpoint = server.Endpoint, Connections = 1, CommandTimeout = TimeSpan.FromSeconds(10) });

        for (int round = 0; round < 3; round++)
        {
            // Pipelined: all in flight at once, so their replies share reads.
            var ping = client.PingAsync();
            var large = client.GetAsync("large");
            var missing = client.GetAsync("missing");
            var many = client.GetManyAsync(["a", "missing", "empty"]);
            var hash = client.HashGetAllAsync("hash");
            var error = client.GetAsync("error");
            var deleted = client.DeleteAsync(["a", "b"]);

            await ping;
            Assert.Equal(Large, await large);
            Assert.Null(await missing);
            var values = await many;
            Assert.Equal("A"u8.ToArray(), values[0]);
            Assert.Null(values[1]);
            Assert.Equal(Array.Empty<byte>(), values[2]);
            var entries = await hash;
            Assert.Equal("v1"u8.ToArray(), entries["f1"]);
            Assert.Equal(Large, entries["big"]);
            Assert.Equal(LongError, (await Assert.ThrowsAsync<RedisServerException>(() => error)).Message);
            Assert.Equal(-7, await deleted);
        }
        Assert.True(client.IsConnected);
    }

    [Fact]
    public async Task A_line_longer_than_a_megabyte_is_a_protocol_violation_that_closes_the_connection()
    {
        await using var server = new ScriptedRedisServer(
            arguments => arguments[0] == "PING" ? "+PONG\r\n"u8.ToArray() : Encoding.ASCII.GetBytes("+" + new string('y', 1_100_000) + "\r\n"),
            seed: 4);
        await using var client = new RedisClient(new RedisOptions { Endpoint = server.Endpoint, Connections = 1, CommandTimeout = TimeSpan.FromSeconds(10) });
        await client.PingAsync();
        var error = await Assert.ThrowsAsync<RedisConnectionException>(() => client.GetAsync("anything"));
        Assert.Contains("protocol violation", error.Message);
    }

    private static byte[] Answer(string[] command) => command switch
    {
        ["PING"] => "+PONG\r\n"u8.ToArray(),
        ["GET", "large"] => Bulk(Large),
        ["GET", "error"] => Encoding.ASCII.GetBytes($"-{LongError}\r\n"),
        ["GET", _] => "$-1\r\n"u8.ToArray(),
        ["MGET", "a", "missing", "empty"] => "*3\r\n$1\r\nA\r\n$-1\r\n$0\r\n\r\n"u8.ToArray(),
        ["HGETALL", "hash"] => [.. "*4\r\n$2\r\nf1\r\n$2\r\nv1\r\n$3\r\nbig\r\n"u8, .. Bulk(Large)],
        ["DEL", ..] => ":-7\r\n"u8.ToArray(),
        _ => Encoding.ASCII.GetBytes($"-ERR unexpected {string.Join(' ', command)}\r\n"),
    };

    private static byte[] Bulk(byte[] value) => [.. Encoding.ASCII.GetBytes($"${value.Length}\r\n"), .. value, (byte)'\r', (byte)'\n'];

    private static byte[] MakeLarge()
    {
        // Random bytes with CRLFs and RESP type bytes sprinkled in, which must not confuse the reader.
        var bytes = new byte[150_000];
        new Random(5).NextBytes(bytes);
        for (int i = 0; i < bytes.Length - 4; i += 997)
        {
            "\r\n*$"u8.CopyTo(bytes.AsSpan(i));
        }
        return bytes;
    }
}
