using System.Text;
using Redis.Protocol;

namespace Tests.Redis;

/// <summary>The exact bytes each command is encoded to (RESP2 arrays of bulk strings).</summary>
public class RedisCommandsTests
{
    [Fact]
    public void Encodes_SET_with_PX_rounded_up_to_whole_milliseconds()
    {
        using var buffer = new CommandBuffer();
        RedisCommands.Set(buffer, "key", "v"u8, TimeSpan.FromMilliseconds(1.5));
        Assert.Equal("*5\r\n$3\r\nSET\r\n$3\r\nkey\r\n$1\r\nv\r\n$2\r\nPX\r\n$1\r\n2\r\n", Text(buffer));
    }

    [Fact]
    public void Encodes_keys_as_UTF8_with_their_byte_length()
    {
        using var buffer = new CommandBuffer();
        RedisCommands.Get(buffer, "ключ🔑");
        Assert.Equal("*2\r\n$3\r\nGET\r\n$12\r\nключ🔑\r\n", Text(buffer));
    }

    [Fact]
    public void Encodes_every_command_back_to_back()
    {
        using var buffer = new CommandBuffer();
        RedisCommands.Ping(buffer);
        RedisCommands.Auth(buffer, null, "pw");
        RedisCommands.Auth(buffer, "app", "pw");
        RedisCommands.Select(buffer, 12);
        RedisCommands.MultiGet(buffer, ["a", "b"]);
        RedisCommands.Set(buffer, "k", ""u8, null);
        RedisCommands.Delete(buffer, ["a"]);
        RedisCommands.PExpire(buffer, "k", TimeSpan.FromSeconds(-1));
        RedisCommands.HashSet(buffer, "h", [new("f", [0, 255])]);
        RedisCommands.HashGetAll(buffer, "h");
        RedisCommands.HashDelete(buffer, "h", ["f", "g"]);
        Assert.Equal(
            "*1\r\n$4\r\nPING\r\n" +
            "*2\r\n$4\r\nAUTH\r\n$2\r\npw\r\n" +
            "*3\r\n$4\r\nAUTH\r\n$3\r\napp\r\n$2\r\npw\r\n" +
            "*2\r\n$6\r\nSELECT\r\n$2\r\n12\r\n" +
            "*3\r\n$4\r\nMGET\r\n$1\r\na\r\n$1\r\nb\r\n" +
            "*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$0\r\n\r\n" +
            "*2\r\n$3\r\nDEL\r\n$1\r\na\r\n" +
            "*3\r\n$7\r\nPEXPIRE\r\n$1\r\nk\r\n$5\r\n-1000\r\n" +
            "*4\r\n$4\r\nHSET\r\n$1\r\nh\r\n$1\r\nf\r\n$2\r\n\u0000\u00ff\r\n" +
            "*2\r\n$7\r\nHGETALL\r\n$1\r\nh\r\n" +
            "*4\r\n$4\r\nHDEL\r\n$1\r\nh\r\n$1\r\nf\r\n$1\r\ng\r\n",
            Encoding.Latin1.GetString(buffer.Written));
    }

    [Fact]
    public void Grows_for_a_large_value_and_keeps_it_intact()
    {
        var value = new byte[300_000];
        new Random(1).NextBytes(value);
        using var buffer = new CommandBuffer();
        RedisCommands.Set(buffer, "big", value, null);
        var header = "*3\r\n$3\r\nSET\r\n$3\r\nbig\r\n$300000\r\n"u8.ToArray();
        Assert.Equal([.. header, .. value, (byte)'\r', (byte)'\n'], buffer.Written.ToArray());
    }

    [Fact]
    public void An_invalid_argument_leaves_nothing_half_written()
    {
        using var buffer = new CommandBuffer();
        RedisCommands.Ping(buffer);
        int length = buffer.Length;
        Assert.Throws<ArgumentException>(() => RedisCommands.HashSet(buffer, "h", [new("a", [1]), new("b", null!)]));
        Assert.Throws<ArgumentException>(() => RedisCommands.Delete(buffer, ["a", null!]));
        Assert.Throws<ArgumentNullException>(() => RedisCommands.Get(buffer, null!));
        Assert.Throws<ArgumentOutOfRangeException>(() => RedisCommands.Set(buffer, "k", "v"u8, TimeSpan.Zero));
        Assert.Equal(length, buffer.Length);
    }

    private static string Text(CommandBuffer buffer) => Encoding.UTF8.GetString(buffer.Written);
}
