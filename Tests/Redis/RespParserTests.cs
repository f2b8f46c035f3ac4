using System.Text;
using Redis.Protocol;

namespace Tests.Redis;

/// <summary>The reply parser on every RESP2 form, fed whole, byte by byte and in random pieces, and on corrupt input.</summary>
public class RespParserTests
{
    private static readonly byte[] LargeBulk = RandomBytes(100_000, seed: 7);

    // Each reply with the canonical form Describe gives the value it parses to.
    public static readonly (string Wire, string Expected)[] Replies =
    [
        ("+OK\r\n", "+OK"),
        ("+\r\n", "+"),
        ("+PONG\r\n", "+PONG"),
        ("+héllo wörld\r\n", "+héllo wörld"),
        ("-ERR unknown command 'FOO'\r\n", "-ERR unknown command 'FOO'"),
        ("-WRONGTYPE Operation against a key holding the wrong kind of value\r\n", "-WRONGTYPE Operation against a key holding the wrong kind of value"),
        (":0\r\n", ":0"),
        (":-42\r\n", ":-42"),
        (":9223372036854775807\r\n", ":9223372036854775807"),
        (":-9223372036854775808\r\n", ":-9223372036854775808"),
        ("$-1\r\n", "$nil"),
        ("$0\r\n\r\n", "$[]"),
        ("$5\r\nhello\r\n", "$[68656c6c6f]"),
        ("$6\r\n\r\n\0\r\n\n\r\n", "$[0d0a000d0a0a]"),
        ("*-1\r\n", "*nil"),
        ("*0\r\n", "*[]"),
        ("*3\r\n$1\r\na\r\n$-1\r\n:7\r\n", "*[$[61],$nil,:7]"),
        ("*2\r\n*2\r\n+a\r\n-b\r\n*1\r\n*0\r\n", "*[*[+a,-b],*[*[]]]"),
        ("*4\r\n*-1\r\n$0\r\n\r\n*1\r\n$-1\r\n:1\r\n", "*[*nil,$[],*[$nil],:1]"),
    ];

    public static TheoryData<int> ReplyIndexes()
    {
        var data = new TheoryData<int>();
        for (int i = 0; i < Replies.Length; i++)
        {
            data.Add(i);
        }
        return data;
    }

    [Theory]
    [MemberData(nameof(ReplyIndexes))]
    public void Parses_each_form_whole_and_byte_by_byte(int index)
    {
        var (wire, expected) = Replies[index];
        var bytes = Encoding.UTF8.GetBytes(wire);
        Assert.Equal([expected], ParseInPieces(bytes, _ => bytes.Length).Select(Describe));
        Assert.Equal([expected], ParseInPieces(bytes, _ => 1).Select(Describe));
    }

    [Fact]
    public void Parses_a_stream_of_replies_split_at_random_points()
    {
        var stream = new MemoryStream();
        var expected = new List<string>();
        foreach (var (wire, description) in Replies)
        {
            stream.Write(Encoding.UTF8.GetBytes(wire));
            expected.Add(description);
        }
        // A large bulk string and an array of them, to cross many reads.
        stream.Write(Encoding.ASCII.GetBytes($"${LargeBulk.Length}\r\n"));
        stream.Write(LargeBulk);
        stream.Write("\r\n*2\r\n"u8);
        for (int i = 0; i < 2; i++)
        {
            stream.Write(Encoding.ASCII.GetBytes($"${LargeBulk.Length}\r\n"));
            stream.Write(LargeBulk);
            stream.Write("\r\n"u8);
        }
        string large = $"$[{Convert.ToHexStringLower(LargeBulk)}]";
        expected.Add(large);
        expected.Add($"*[{large},{large}]");
        var bytes = stream.ToArray();

        for (int seed = 0; seed < 200; seed++)
        {
            var random = new Random(seed);
            // Mostly tiny pieces (splitting every line and CRLF), sometimes large ones.
            var replies = ParseInPieces(bytes, _ => random.Next(4) == 0 ? random.Next(1, 70_000) : random.Next(1, 8));
            Assert.Equal(expected, replies.Select(Describe));
        }
    }

    [Fact]
    public void A_bulk_string_keeps_its_bytes_when_the_buffer_they_came_in_is_reused()
    {
        var parser = new RespParser();
        var data = "$4\r\nabcd\r\n"u8.ToArray();
        Assert.False(parser.TryRead(data.AsSpan(0, 6), out int consumed, out _));
        Assert.Equal(6, consumed);
        data.AsSpan(0, 6).Fill((byte)'X');
        Assert.True(parser.TryRead(data.AsSpan(6), out consumed, out var reply));
        Assert.Equal(4, consumed);
        Assert.Equal("abcd"u8.ToArray(), reply.Bytes);
        Assert.False(parser.InReply);
    }

    [Fact]
    public void Leaves_an_unfinished_line_unconsumed()
    {
        var parser = new RespParser();
        Assert.False(parser.TryRead("*2\r\n:1\r\n:2"u8, out int consumed, out _));
        Assert.Equal(8, consumed);
        Assert.True(parser.InReply);
        Assert.True(parser.TryRead(":2\r\n+OK\r\n"u8, out consumed, out var reply));
        Assert.Equal(4, consumed);
        Assert.Equal("*[:1,:2]", Describe(reply));
    }

    [Theory]
    [InlineData("?what\r\n")]
    [InlineData("+OK\n")]
    [InlineData("\r\n")]
    [InlineData("\n")]
    [InlineData(":12a\r\n")]
    [InlineData(":\r\n")]
    [InlineData("$-2\r\n")]
    [InlineData("$abc\r\n")]
    [InlineData("$3\r\nabcX\r\n")]
    [InlineData("$3\r\nabc\rX")]
    [InlineData("*-5\r\n")]
    [InlineData("$536870913\r\n")]
    [InlineData("*16777217\r\n")]
    public void Rejects_what_is_not_RESP2(string wire)
    {
        var bytes = Encoding.UTF8.GetBytes(wire);
        Assert.Throws<InvalidDataException>(() => ParseInPieces(bytes, _ => bytes.Length));
        Assert.Throws<InvalidDataException>(() => ParseInPieces(bytes, _ => 1));
    }

    [Fact]
    public void Rejects_arrays_nested_too_deep()
    {
        var wire = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("*1\r\n", RespParser.MaxDepth + 1)) + ":1\r\n");
        Assert.Throws<InvalidDataException>(() => ParseInPieces(wire, _ => wire.Length));
        var deepest = Encoding.ASCII.GetBytes(string.Concat(Enumerable.Repeat("*1\r\n", RespParser.MaxDepth)) + ":1\r\n");
        Assert.Single(ParseInPieces(deepest, _ => 3));
    }

    /// <summary>
    /// Feeds <paramref name="bytes"/> the way a connection does: pieces of the sizes <paramref name="nextPiece"/>
    /// picks, unconsumed bytes kept and presented again in front of the next piece.
    /// </summary>
    private static List<RespValue> ParseInPieces(byte[] bytes, Func<int, int> nextPiece)
    {
        var parser = new RespParser();
        var replies = new List<RespValue>();
        var pending = new List<byte>();
        int offset = 0;
        while (offset < bytes.Length)
        {
            int size = Math.Min(nextPiece(offset), bytes.Length - offset);
            pending.AddRange(bytes.AsSpan(offset, size));
            offset += size;
            var data = pending.ToArray();
            int start = 0;
            int consumed;
            while (parser.TryRead(data.AsSpan(start), out consumed, out var reply))
            {
                start += consumed;
                replies.Add(reply);
            }
            start += consumed;
            pending.RemoveRange(0, start);
        }
        Assert.Empty(pending);
        Assert.False(parser.InReply);
        return replies;
    }

    private static string Describe(RespValue value) => value.Type switch
    {
        RespType.SimpleString => "+" + value.Text,
        RespType.Error => "-" + value.Text,
        RespType.Integer => ":" + value.Integer,
        RespType.BulkString => value.Bytes is { } bytes ? $"$[{Convert.ToHexStringLower(bytes)}]" : "$nil",
        _ => value.Items is { } items ? $"*[{string.Join(",", items.Select(Describe))}]" : "*nil",
    };

    private static byte[] RandomBytes(int length, int seed)
    {
        var bytes = new byte[length];
        new Random(seed).NextBytes(bytes);
        return bytes;
    }
}
