using System.Text;
using Tests.EndToEnd;

namespace Tests.Fuzz;

/// <summary>
/// Generates hostile <c>/predict</c> requests from a seed: malformed and degenerate JSON, invalid UTF-8, escaped
/// surrogates, deep nesting, huge and odd texts, wrong content types and methods, broken and slow chunked framing.
/// Request <c>i</c> of seed <c>s</c> is always the same request, so a failure replays alone.
/// </summary>
public static class HostileRequestGenerator
{
    private const string Path = "/predict";

    private static readonly string[] Words = ["good", "bad", "not", "very", "movie", "love", "hate", "but", "the", "a", "!", "?", "..."];

    private static readonly string[] ContentTypes =
    [
        "application/json", "application/json; charset=utf-8", "APPLICATION/JSON; CHARSET=UTF-8", "application/json; charset=utf-16",
        "application/json; charset=latin1", "text/plain", "text/json", "application/problem+json", "application/vnd.api+json",
        "multipart/form-data; boundary=x", ";;;", "application/", "/json", "application/json; charset=", "application/json;;;charset=utf-8",
        "*/*", "application/json, text/plain", "application/json; charset=\"utf-8\"",
    ];

    // Bytes that mean something in JSON, for mutations that break structure rather than text.
    private static ReadOnlySpan<byte> JsonBytes => "{}[]\",:\\ \0tnf-1eE."u8;

    private static readonly string[] Methods = ["GET", "PUT", "DELETE", "PATCH", "OPTIONS", "HEAD", "TRACE", "FOO"];

    private static readonly Func<Random, HostileRequest>[] Kinds =
    [
        OrdinaryTexts, DegenerateTexts, InvalidUtf8, EscapedSurrogates, DeepNesting, MutatedBytes, WrongShape,
        WrongContentType, WrongMethodOrPath, ChunkedValid, ChunkedMalformed, ShortOrLongBody, Oversized, BadHeaders, SlowButInTime,
    ];

    /// <summary>Request <paramref name="index"/> of the sequence <paramref name="seed"/> names.</summary>
    public static HostileRequest Generate(int seed, int index)
    {
        var random = new Random(unchecked(seed * 1_000_003 + index));
        return Kinds[random.Next(Kinds.Length)](random);
    }

    /// <summary>
    /// Bodies that arrive far below Kestrel's minimum data rate or stall (answered 408 after its 5 s grace period):
    /// few, and run alongside the generated ones, since each takes that long.
    /// </summary>
    public static IReadOnlyList<HostileRequest> TooSlow() =>
    [
        new("trickling", [Head("application/json", "Content-Length: 300"), .. Enumerable.Repeat("{"u8.ToArray(), 40)], TimeSpan.FromMilliseconds(250)),
        new("shorter than declared", [Head("application/json", "Content-Length: 500"), "{\"text\": [\"a\"]}"u8.ToArray()], TimeSpan.Zero),
        new("chunked without its last chunk", [Head("application/json", "Transfer-Encoding: chunked"), "f\r\n{\"text\": [\"a\"]}\r\n"u8.ToArray()], TimeSpan.Zero),
    ];

    private static HostileRequest OrdinaryTexts(Random random) =>
        Json("ordinary texts", random, Body(Enumerable.Range(0, random.Next(1, 6)).Select(_ => Sentence(random))));

    private static HostileRequest DegenerateTexts(Random random)
    {
        string text = random.Next(10) switch
        {
            0 => "",
            1 => new string(' ', random.Next(1, 10_000)),
            2 => new string('\u0301', random.Next(1, 10_001)), // combining marks with nothing to combine with
            3 => string.Concat(Enumerable.Repeat("\u4e2d", random.Next(1, 10_001))), // one token per CJK character
            4 => string.Concat(Enumerable.Repeat("\ud83d\ude00", random.Next(1, 5_000))),
            5 => new string('x', random.Next(9_990, 10_010)), // around the character limit
            6 => "\0\u0001\u001f\u007f\u200b\u200e\u202e\ufeff\uffff",
            7 => string.Concat(Enumerable.Range(0, random.Next(1, 2_000)).Select(_ => (char)random.Next(0xD800))),
            8 => string.Join(' ', Enumerable.Repeat("unbelievably", random.Next(1, 800))),
            _ => new string('a', random.Next(100, 200)), // longer than WordPiece's longest word
        };
        int count = random.Next(10) == 0 ? random.Next(100, 140) : random.Next(1, 4);
        return Json("degenerate texts", random, Body(Enumerable.Repeat(text, count)));
    }

    private static HostileRequest InvalidUtf8(Random random)
    {
        byte[][] invalid = [[0xC3], [0xFF], [0xED, 0xA0, 0x80], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xE2, 0x82], [0xF0, 0x9F, 0x98]];
        byte[] body = Encoding.UTF8.GetBytes(Body([Sentence(random), Sentence(random)]));
        var bytes = body.ToList();
        for (int i = random.Next(1, 4); i > 0; i--)
        {
            // Anywhere: inside a text, a property name, between tokens.
            bytes.InsertRange(random.Next(1, bytes.Count), invalid[random.Next(invalid.Length)]);
        }
        return Json("invalid UTF-8", random, bytes.ToArray());
    }

    private static HostileRequest EscapedSurrogates(Random random)
    {
        string[] escapes = [@"\ud800", @"\udfff", @"\udc00\ud800", @"\ud83d\ude00", @"\ud83d", @"\u0000", @"\uDBFF\uDFFF", @"\uD800x", @"\u12", @"\x41"];
        string escape = escapes[random.Next(escapes.Length)];
        string body = random.Next(3) switch
        {
            0 => $"{{\"text\": [\"a{escape}b\"]}}",
            1 => $"{{\"{escape}\": 1, \"text\": [\"a\"]}}",
            _ => $"{{\"text\": [\"a\"], \"x{escape}\": \"{escape}\"}}",
        };
        return Json("escaped surrogates", random, Encoding.ASCII.GetBytes(body));
    }

    private static HostileRequest DeepNesting(Random random)
    {
        int depth = random.Next(2) == 0 ? random.Next(50, 80) : random.Next(1, 100_000);
        string open = random.Next(2) == 0 ? "[" : "{\"a\":";
        string close = open == "[" ? "]" : "}";
        string nested = string.Concat(Enumerable.Repeat(open, depth)) + "1" + (random.Next(4) == 0 ? "" : string.Concat(Enumerable.Repeat(close, depth)));
        string body = random.Next(2) == 0 ? $"{{\"text\": [\"a\"], \"deep\": {nested}}}" : $"{{\"text\": [{nested}]}}";
        return Json("deep nesting", random, Encoding.ASCII.GetBytes(body));
    }

    private static HostileRequest MutatedBytes(Random random)
    {
        var bytes = Encoding.UTF8.GetBytes(Body([Sentence(random), Sentence(random)])).ToList();
        for (int i = random.Next(1, 8); i > 0 && bytes.Count > 0; i--)
        {
            int at = random.Next(bytes.Count);
            switch (random.Next(3))
            {
                case 0: bytes[at] = (byte)random.Next(256); break;
                case 1: bytes.RemoveAt(at); break;
                default: bytes.Insert(at, JsonBytes[random.Next(JsonBytes.Length)]); break;
            }
        }
        return Json("mutated bytes", random, bytes.ToArray());
    }

    private static HostileRequest WrongShape(Random random)
    {
        string[] bodies =
        [
            "null", "true", "1e999", "-0", "\"text\"", "[]", "{}", "{\"text\": {}}", "{\"text\": [1e999]}", "{\"text\": [\"a\",]}",
            "{\"text\": [\"a\"]}{\"text\": [\"b\"]}", "{\"text\": [\"a\"], \"text\": [\"b\"]}", "{\"TEXT\": [\"a\"]}", "{\"text\": [null, true, {}, []]}",
            "{'text': ['a']}", "{\"text\": [\"a\"] /* comment */}", "{\"text\": [\"tab\tinside\"]}", "{\"text\": [\"a\"]", "\u00a0{\"text\": [\"a\"]}",
            "{\"text\": [" + string.Join(',', Enumerable.Repeat("\"x\"", 5_000)) + "]}",
            "{\"text\": [" + string.Join(',', Enumerable.Repeat("1", 20_000)) + "]}",
            "{" + string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"\"k{i}\": {i}")) + ", \"text\": [\"a\"]}",
        ];
        return Json("wrong shape", random, Encoding.UTF8.GetBytes(bodies[random.Next(bodies.Length)]));
    }

    private static HostileRequest WrongContentType(Random random)
    {
        byte[] body = Encoding.UTF8.GetBytes(Body([Sentence(random)]));
        string? contentType = random.Next(6) == 0 ? null : ContentTypes[random.Next(ContentTypes.Length)];
        return new("content type", [Head(contentType, $"Content-Length: {body.Length}"), body], TimeSpan.Zero);
    }

    private static HostileRequest WrongMethodOrPath(Random random)
    {
        string method = random.Next(4) == 0 ? "POST" : Methods[random.Next(Methods.Length)];
        string[] paths = [Path, Path, "/predict/", "/Predict", "/predict?x=%zz", "/%2e%2e/predict", "/", "/health/ready", "//predict", "/predict;a=b"];
        string path = paths[random.Next(paths.Length)];
        byte[] body = Encoding.UTF8.GetBytes(Body([Sentence(random)]));
        return new("method or path", [RawHttp.Head(method, path, "Content-Type: application/json", $"Content-Length: {body.Length}"), body], TimeSpan.Zero);
    }

    private static HostileRequest ChunkedValid(Random random)
    {
        byte[] body = Encoding.UTF8.GetBytes(Body(Enumerable.Range(0, random.Next(1, 20)).Select(_ => Sentence(random))));
        int chunk = random.Next(3) == 0 ? 1 : random.Next(1, 4096);
        return new("chunked", [Head("application/json", "Transfer-Encoding: chunked"), RawHttp.Chunked(body, chunk)], TimeSpan.Zero);
    }

    private static HostileRequest ChunkedMalformed(Random random)
    {
        string json = Body([Sentence(random)]);
        string size = Encoding.UTF8.GetByteCount(json).ToString("x");
        string[] framings =
        [
            $"zz\r\n{json}\r\n0\r\n\r\n", $"{size}\r\n{json}XX0\r\n\r\n", $"-{size}\r\n{json}\r\n0\r\n\r\n", $"fffffffffffffffffff\r\n{json}\r\n0\r\n\r\n",
            $"{size};ext=1\r\n{json}\r\n0\r\n\r\n", $"{size}\r\n{json}\r\n0\r\nTrailer: x\r\n\r\n", $"{size}\n{json}\n0\n\n", $"{size}\r\n{json}",
            $"{size} \r\n{json}\r\n0\r\n\r\n", $"0x{size}\r\n{json}\r\n0\r\n\r\n", $"{size}\r\n{json[..^1]}\r\n0\r\n\r\n", "\r\n\r\n",
            $"1\r\n{json[..1]}\r\n{string.Concat(Enumerable.Repeat("0", 100))}{size}\r\n{json[1..]}\r\n0\r\n\r\n",
        ];
        return new("chunked malformed", [Head("application/json", "Transfer-Encoding: chunked"), Encoding.UTF8.GetBytes(framings[random.Next(framings.Length)])], TimeSpan.Zero);
    }

    private static HostileRequest ShortOrLongBody(Random random)
    {
        byte[] body = Encoding.UTF8.GetBytes(Body([Sentence(random)]));
        // Declared shorter than sent: the JSON is cut, and the rest would be the next request (the connection closes first).
        // Declared longer stalls until Kestrel's data rate timeout: see TooSlow.
        int declared = random.Next(0, body.Length);
        return new("content length shorter", [Head("application/json", $"Content-Length: {declared}"), body], TimeSpan.Zero);
    }

    private static HostileRequest Oversized(Random random)
    {
        int length = (1 << 20) + random.Next(1, 100_000);
        byte[] body = Encoding.UTF8.GetBytes("{\"text\": [\"" + new string('z', length) + "\"]}");
        return random.Next(3) switch
        {
            0 => new("oversized", [Head("application/json", $"Content-Length: {body.Length}"), body], TimeSpan.Zero),
            1 => new("oversized chunked", [Head("application/json", "Transfer-Encoding: chunked"), RawHttp.Chunked(body, 65_536)], TimeSpan.Zero),
            _ => new("oversized declared", [Head("application/json", "Content-Length: 1000000000000")], TimeSpan.Zero),
        };
    }

    private static HostileRequest BadHeaders(Random random)
    {
        byte[] body = Encoding.UTF8.GetBytes(Body([Sentence(random)]));
        string[][] headerSets =
        [
            ["Content-Type: application/json", "Content-Length: abc"],
            ["Content-Type: application/json", $"Content-Length: {body.Length}", $"Content-Length: {body.Length + 1}"],
            ["Content-Type: application/json", $"Content-Length: {body.Length}", "Transfer-Encoding: chunked"],
            ["Content-Type: application/json", "Transfer-Encoding: gzip"],
            ["Content-Type: application/json", $"Content-Length: {body.Length}", "Content-Encoding: gzip"],
            ["Content-Type: application/json", $"Content-Length: -{body.Length}"],
            ["Content-Type: application/json", $"Content-Length: {body.Length}", "Expect: 100-continue"],
            ["Content-Type: application/json", $"Content-Length: {body.Length}", "X-Long: " + new string('h', 20_000)],
            ["Content-Type: application/json\u00e9", $"Content-Length: {body.Length}"],
        ];
        var headers = headerSets[random.Next(headerSets.Length)];
        return new("bad headers", [Encoding.UTF8.GetBytes($"POST {Path} HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n{string.Concat(headers.Select(h => h + "\r\n"))}\r\n"), body],
            TimeSpan.Zero);
    }

    private static HostileRequest SlowButInTime(Random random)
    {
        byte[] body = Encoding.UTF8.GetBytes(Body([Sentence(random)]));
        // A few pieces 100 ms apart: well inside Kestrel's grace period, so it is served.
        int pieces = random.Next(2, 6);
        int size = (body.Length + pieces - 1) / pieces;
        var split = body.Chunk(size).ToList();
        bool chunked = random.Next(2) == 0;
        byte[] head = chunked ? Head("application/json", "Transfer-Encoding: chunked") : Head("application/json", $"Content-Length: {body.Length}");
        List<byte[]> sent = chunked ? [head, .. RawHttp.Chunked(body, size).Chunk(size + 8)] : [head, .. split];
        return new("slow but in time", sent, TimeSpan.FromMilliseconds(100));
    }

    private static HostileRequest Json(string kind, Random random, string body) => Json(kind, random, Encoding.UTF8.GetBytes(body));

    private static HostileRequest Json(string kind, Random random, byte[] body) =>
        new(kind, [Head(random.Next(4) == 0 ? "application/json; charset=utf-8" : "application/json", $"Content-Length: {body.Length}"), body], TimeSpan.Zero);

    private static byte[] Head(string? contentType, params string[] headers) =>
        RawHttp.Head("POST", Path, contentType is null ? headers : [$"Content-Type: {contentType}", .. headers]);

    private static string Body(IEnumerable<string> texts) => System.Text.Json.JsonSerializer.Serialize(new { text = texts });

    private static string Sentence(Random random) =>
        string.Join(' ', Enumerable.Range(0, random.Next(1, 12)).Select(_ => Words[random.Next(Words.Length)])) + $" {random.Next(1_000_000)}";
}
