using System.Text;
using Tests.EndToEnd;

namespace Tests.Fuzz;

/// <summary>
/// Generates hostile <c>/predict</c> requests from a seed: malformed and degenerate JSON, invalid UTF-8, raw and
/// escaped surrogates, deep nesting, huge and odd texts, numbers and duplicate keys, byte order marks, truncated
/// bodies, wrong content types and methods, compressed bodies and repeated Content-Type parameters (415), broken and
/// slow chunked framing (extensions and trailers included).
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
        OrdinaryTexts, DegenerateTexts, InvalidUtf8, EscapedSurrogates, DeepNesting, MutatedBytes, WrongShape, NumbersForStrings,
        DuplicateKeys, ByteOrderMarks, TruncatedBody, WrongContentType, WrongMethodOrPath, ChunkedValid, ChunkedMalformed,
        ShortOrLongBody, Oversized, BadHeaders, SlowButInTime, ContentCodings, RepeatedParameters,
    ];

    private static readonly string[] Codings = ["gzip", "br", "deflate", "zstd", "compress", "x-gzip", "GZIP", "gzip, br", "identity, gzip", "gzip, identity", "*", "identity;q=1"];

    private static readonly string[] RepeatedParameterTypes =
    [
        "application/json; charset=utf-8; charset=utf-16", "application/json; charset=latin1; charset=utf-8", "application/json; charset=utf-8; CHARSET=utf-8",
        "application/json; charset=\"utf-8\"; charset=utf-8", "application/json; a=1; charset=utf-8; a=2", "application/json;charset=utf-8;charset=utf-8",
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
        new("trickling", [Head("application/json", "Content-Length: 300"), .. Enumerable.Repeat("{"u8.ToArray(), 40)], TimeSpan.FromMilliseconds(250), Expected: 408),
        new("shorter than declared", [Head("application/json", "Content-Length: 500"), "{\"text\": [\"a\"]}"u8.ToArray()], TimeSpan.Zero, Expected: 408),
        new("chunked without its last chunk", [Head("application/json", "Transfer-Encoding: chunked"), "f\r\n{\"text\": [\"a\"]}\r\n"u8.ToArray()], TimeSpan.Zero,
            Expected: 408),
        new("shorter than declared, half-closed", [Head("application/json", "Content-Length: 500"), "{\"text\": [\"a\"]}"u8.ToArray()], TimeSpan.Zero,
            Expected: HostileRequest.NoAnswer, HalfClose: true),
    ];

    private static HostileRequest OrdinaryTexts(Random random) =>
        Json("ordinary texts", random, Body(Enumerable.Range(0, random.Next(1, 6)).Select(_ => Sentence(random))));

    private static HostileRequest DegenerateTexts(Random random)
    {
        string text = random.Next(13) switch
        {
            0 => "",
            1 => new string(' ', random.Next(1, 10_000)),
            10 => string.Concat(Enumerable.Range(0, random.Next(1, 2_000)).Select(_ => " \t\r\n\u00a0\u3000\u2028"[random.Next(7)])), // only whitespace
            11 => new string('x', 100_000), // one 100k-character token: over the character limit
            12 => new string((char)random.Next(0x20), random.Next(1, 5_000)), // one control character repeated
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
        // Truncated and overlong sequences, stray continuation bytes, code points past U+10FFFF, and raw (encoded) lone
        // surrogates: high, low, and a CESU-8 pair (two encoded surrogates where UTF-8 wants one 4-byte sequence).
        byte[][] invalid =
        [
            [0xC3], [0xFF], [0xC0, 0xAF], [0xF4, 0x90, 0x80, 0x80], [0x80], [0xE2, 0x82], [0xF0, 0x9F, 0x98],
            [0xED, 0xA0, 0x80], [0xED, 0xBF, 0xBF], [0xED, 0xB0, 0x80], [0xED, 0xA0, 0xBD, 0xED, 0xB8, 0x80],
        ];
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
        int depth = random.Next(3) switch { 0 => random.Next(50, 80), 1 => 10_000, _ => random.Next(1, 100_000) };
        string open = random.Next(2) == 0 ? "[" : "{\"a\":";
        string close = open == "[" ? "]" : "}";
        string nested = string.Concat(Enumerable.Repeat(open, depth)) + "1" + (random.Next(4) == 0 ? "" : string.Concat(Enumerable.Repeat(close, depth)));
        string body = random.Next(3) switch
        {
            0 => $"{{\"text\": [\"a\"], \"deep\": {nested}}}",
            1 => $"{{\"text\": [{nested}]}}",
            _ => nested, // the root itself
        };
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
            "null", "true", "-0", "\"text\"", "[]", "{}", "{\"text\": {}}", "{\"text\": [\"a\",]}",
            "{\"text\": [\"a\"]}{\"text\": [\"b\"]}", "{\"TEXT\": [\"a\"]}", "{\"text\": [null, true, {}, []]}",
            "{'text': ['a']}", "{\"text\": [\"a\"] /* comment */}", "{\"text\": [\"tab\tinside\"]}", "{\"text\": [\"a\"]", "\u00a0{\"text\": [\"a\"]}",
            "{\"text\": [\"raw \u0001\u001f control\"]}", "{\"text\": [\"raw\nnewline\"]}", "{\"text\": [\"a\"], }", "{,\"text\": [\"a\"]}",
        ];
        // The large bodies are built only when drawn: building them for every request cost more than sending them.
        string body = random.Next(bodies.Length + 3) switch
        {
            var i when i < bodies.Length => bodies[i],
            var i when i == bodies.Length => "{\"text\": [" + string.Join(',', Enumerable.Repeat("\"x\"", 5_000)) + "]}",
            var i when i == bodies.Length + 1 => "{\"text\": [" + string.Join(',', Enumerable.Repeat("1", 20_000)) + "]}",
            _ => "{" + string.Join(',', Enumerable.Range(0, 10_000).Select(i => $"\"k{i}\": {i}")) + ", \"text\": [\"a\"]}",
        };
        return Json("wrong shape", random, Encoding.UTF8.GetBytes(body));
    }

    private static HostileRequest NumbersForStrings(Random random)
    {
        string digits = new('9', random.Next(300, 20_000));
        string number = random.Next(10) switch
        {
            0 => "1e999",
            1 => "-1e-999",
            2 => digits,
            3 => $"-{digits}.{digits}e+{digits}",
            4 => "NaN",
            5 => "Infinity",
            6 => "0x10",
            7 => "01",
            8 => "1.",
            _ => random.Next().ToString(),
        };
        string body = random.Next(4) switch
        {
            0 => $"{{\"text\": [{number}]}}",
            1 => $"{{\"text\": {number}}}",
            2 => $"{{\"text\": [\"a\", {number}, \"b\"]}}",
            _ => $"{{\"text\": [\"a\"], \"n\": {number}}}", // an unknown member, skipped: served if the number is JSON
        };
        return Json("numbers for strings", random, Encoding.ASCII.GetBytes(body));
    }

    private static HostileRequest DuplicateKeys(Random random)
    {
        string sentence = System.Text.Json.JsonSerializer.Serialize(Sentence(random));
        string body = random.Next(5) switch
        {
            0 => $"{{\"text\": [{sentence}], \"text\": [{sentence}, \"b\"]}}",
            1 => $"{{\"text\": [{sentence}], \"text\": 1}}",
            2 => $"{{\"text\": 1, \"text\": [{sentence}]}}",
            3 => "{" + string.Concat(Enumerable.Repeat($"\"text\": [{sentence}], ", random.Next(2, 5_000))) + "\"x\": 0}",
            _ => $"{{\"a\": 1, \"a\": 2, \"text\": [{sentence}], \"a\": {{\"a\": 3, \"a\": 4}}}}",
        };
        return Json("duplicate keys", random, Encoding.UTF8.GetBytes(body));
    }

    private static HostileRequest ByteOrderMarks(Random random)
    {
        byte[] utf8Bom = [0xEF, 0xBB, 0xBF];
        string json = Body([Sentence(random)]);
        byte[] body = random.Next(6) switch
        {
            0 => [.. utf8Bom, .. Encoding.UTF8.GetBytes(json)], // accepted
            1 => [.. utf8Bom, .. utf8Bom, .. Encoding.UTF8.GetBytes(json)],
            2 => [.. Encoding.UTF8.GetBytes(" "), .. utf8Bom, .. Encoding.UTF8.GetBytes(json)],
            3 => [.. Encoding.Unicode.GetPreamble(), .. Encoding.Unicode.GetBytes(json)], // UTF-16 LE, declared as UTF-8
            4 => [.. Encoding.BigEndianUnicode.GetPreamble(), .. Encoding.BigEndianUnicode.GetBytes(json)],
            _ => Encoding.UTF8.GetBytes(json.Insert(json.IndexOf('[') + 2, "\ufeff")), // U+FEFF inside a text: ordinary text
        };
        return Json("byte order marks", random, body);
    }

    private static HostileRequest TruncatedBody(Random random)
    {
        // The body ends early but its length says so: JSON cut anywhere (inside a string, an escape, a UTF-8 sequence).
        byte[] body = Encoding.UTF8.GetBytes(Body([Sentence(random) + " \u00e9\u4e2d\ud83d\ude00 \" \\ end", Sentence(random)]));
        return Json("truncated body", random, body[..random.Next(body.Length)]);
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
        // Chunk extensions (";name=value", ignored by servers) and trailer fields are valid HTTP/1.1 framing.
        string extension = random.Next(3) == 0 ? ";ext=\"v\";flag" : "";
        string trailers = random.Next(3) == 0 ? "X-Trailer: a\r\nX-Other: b\r\n" : "";
        using var framed = new MemoryStream();
        foreach (var piece in body.Chunk(chunk))
        {
            framed.Write(Encoding.ASCII.GetBytes($"{piece.Length:x}{extension}\r\n"));
            framed.Write(piece);
            framed.Write("\r\n"u8);
        }
        framed.Write(Encoding.ASCII.GetBytes($"0{extension}\r\n{trailers}\r\n"));
        return new("chunked", [Head("application/json", "Transfer-Encoding: chunked"), framed.ToArray()], TimeSpan.Zero);
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
            $"{size};{new string('e', 100_000)}\r\n{json}\r\n0\r\n\r\n", $"{size};ext\n{json}\r\n0\r\n\r\n",
            $"{size}\r\n{json}\r\n0\r\nbad trailer\r\n\r\n", $"{size}\r\n{json}\r\n0\r\nX-Long: {new string('t', 100_000)}\r\n\r\n",
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

    private static HostileRequest ContentCodings(Random random)
    {
        byte[] json = Encoding.UTF8.GetBytes(Body([Sentence(random)]));
        if (random.Next(5) == 0)
        {
            // Not a coding: read as it is.
            string identity = random.Next(2) == 0 ? "identity" : "Identity, identity";
            return new("content coding identity", [Head("application/json", $"Content-Length: {json.Length}", $"Content-Encoding: {identity}"), json], TimeSpan.Zero,
                Expected: 200);
        }
        // Refused whatever the bytes are: plain JSON, or really compressed (a bomb of whitespace included).
        byte[] body = random.Next(3) switch
        {
            0 => json,
            1 => Gzip(json),
            _ => Gzip([.. json, .. Enumerable.Repeat((byte)' ', 2 << 20)]),
        };
        string coding = Codings[random.Next(Codings.Length)];
        return new("content coding", [Head("application/json", $"Content-Length: {body.Length}", $"Content-Encoding: {coding}"), body], TimeSpan.Zero, Expected: 415);
    }

    private static HostileRequest RepeatedParameters(Random random)
    {
        byte[] body = Encoding.UTF8.GetBytes(Body([Sentence(random)]));
        string contentType = RepeatedParameterTypes[random.Next(RepeatedParameterTypes.Length)];
        return new("repeated content type parameter", [Head(contentType, $"Content-Length: {body.Length}"), body], TimeSpan.Zero, Expected: 415);
    }

    private static byte[] Gzip(byte[] bytes)
    {
        using var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Fastest))
        {
            gzip.Write(bytes);
        }
        return compressed.ToArray();
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
