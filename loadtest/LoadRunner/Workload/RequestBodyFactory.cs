using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace LoadRunner.Workload;

/// <summary>
/// Makes the <c>{"text": [...]}</c> bodies of a run. A request is either a <b>pool</b> request (probability
/// <c>cacheRate</c>), all of whose texts come from a fixed pool of repeated texts and whose body is encoded once up
/// front, or a <b>new</b> request, all of whose texts were never sent before, written into a rented buffer: a corpus
/// sentence followed by whitespace that spells the run tag and a counter (two bits a character: space, tab, line
/// feed, carriage return). The text and its cache key are new, while the model's input is the corpus sentence's:
/// tokenizers split on whitespace and drop it, so uncached figures measure the corpus's length mix. (A visible
/// suffix such as <c>~0badcafe.12345</c> costs about 9 word pieces, a third of an SST-2 sentence.) The run tag is
/// random per run, so new texts are new to a server that stays up across runs, too.
/// </summary>
internal sealed class RequestBodyFactory
{
    // Whitespace "digits", as they appear inside a JSON string.
    private static readonly byte[][] WhitespaceDigits = [" "u8.ToArray(), "\\t"u8.ToArray(), "\\n"u8.ToArray(), "\\r"u8.ToArray()];
    private const int CounterDigits = 32; // base 4: the whole 64-bit counter

    private static ReadOnlySpan<byte> Prefix => "{\"text\":["u8;
    private static ReadOnlySpan<byte> Suffix => "]}"u8;

    private readonly byte[][] _poolBodies;
    private readonly byte[][] _encodedSentences;
    private readonly byte[] _uniqueMarker;
    private readonly double _cacheRate;
    private readonly int _textsPerRequest;
    private readonly int _uniqueBodyCapacity;
    private long _uniqueCounter;

    public RequestBodyFactory(IReadOnlyList<string> sentences, int poolSize, int textsPerRequest, double cacheRate, string runTag)
    {
        if (sentences.Count == 0)
        {
            throw new ArgumentException("No sentences to send.", nameof(sentences));
        }
        _cacheRate = cacheRate;
        _textsPerRequest = textsPerRequest;
        RunTag = runTag;
        // Relaxed escaping keeps non-ASCII as UTF-8 (still valid JSON): bodies stay the size a real client sends.
        _encodedSentences = sentences.Select(s => JsonEncodedText.Encode(s, JavaScriptEncoder.UnsafeRelaxedJsonEscaping).EncodedUtf8Bytes.ToArray()).ToArray();
        _uniqueMarker = WhitespaceSpelling(Encoding.UTF8.GetBytes(runTag));
        int longest = _encodedSentences.Max(s => s.Length);
        _uniqueBodyCapacity = Prefix.Length + Suffix.Length + textsPerRequest * (longest + _uniqueMarker.Length + 2 * CounterDigits + 3);

        PoolTexts = Enumerable.Range(0, poolSize).Select(i => PoolText(sentences, i)).ToArray();
        // Pool body j holds pool texts j, j+1, ... (wrapping): poolSize distinct bodies that together hold every pool
        // text, so sending each body once primes the whole pool.
        _poolBodies = new byte[poolSize][];
        for (int j = 0; j < poolSize; j++)
        {
            _poolBodies[j] = EncodeBody(Enumerable.Range(j, textsPerRequest).Select(i => PoolTexts[i % poolSize]));
        }
    }

    /// <summary>Random per run; part of every new text.</summary>
    public string RunTag { get; }

    /// <summary>The repeated texts.</summary>
    public IReadOnlyList<string> PoolTexts { get; }

    /// <summary>The pool bodies: sending each once sends every pool text.</summary>
    public IReadOnlyList<byte[]> PoolBodies => _poolBodies;

    /// <summary>A random run tag: 8 hex digits.</summary>
    public static string NewRunTag() => Random.Shared.Next().ToString("x8");

    /// <summary>The next request's body: a pool body with probability cacheRate, else a body of new texts.</summary>
    public RequestBody Next()
    {
        if (_cacheRate > 0 && (_cacheRate >= 1 || Random.Shared.NextDouble() < _cacheRate))
        {
            var pool = _poolBodies[Random.Shared.Next(_poolBodies.Length)];
            return new RequestBody(pool, pool.Length, Rented: false);
        }
        return NextUnique();
    }

    private RequestBody NextUnique()
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(_uniqueBodyCapacity);
        var span = buffer.AsSpan();
        Prefix.CopyTo(span);
        int length = Prefix.Length;
        for (int t = 0; t < _textsPerRequest; t++)
        {
            if (t > 0)
            {
                span[length++] = (byte)',';
            }
            span[length++] = (byte)'"';
            var sentence = _encodedSentences[Random.Shared.Next(_encodedSentences.Length)];
            sentence.CopyTo(span[length..]);
            length += sentence.Length;
            _uniqueMarker.CopyTo(span[length..]);
            length += _uniqueMarker.Length;
            ulong counter = (ulong)Interlocked.Increment(ref _uniqueCounter);
            for (int digit = 0; digit < CounterDigits; digit++, counter >>= 2)
            {
                var whitespace = WhitespaceDigits[counter & 3];
                whitespace.CopyTo(span[length..]);
                length += whitespace.Length;
            }
            span[length++] = (byte)'"';
        }
        Suffix.CopyTo(span[length..]);
        length += Suffix.Length;
        return new RequestBody(buffer, length, Rented: true);
    }

    /// <summary>A space, then each byte of <paramref name="tag"/> as four whitespace digits, JSON-escaped.</summary>
    private static byte[] WhitespaceSpelling(byte[] tag)
    {
        var spelled = new List<byte>((" "u8).ToArray());
        foreach (byte value in tag)
        {
            for (int shift = 0; shift < 8; shift += 2)
            {
                spelled.AddRange(WhitespaceDigits[(value >> shift) & 3]);
            }
        }
        return [.. spelled];
    }

    private static string PoolText(IReadOnlyList<string> sentences, int index)
    {
        // A pool larger than the corpus repeats sentences with a stable suffix: still distinct texts, and the same
        // ones in every run, so a warm server keeps them cached.
        string sentence = sentences[index % sentences.Count];
        int round = index / sentences.Count;
        return round == 0 ? sentence : $"{sentence} ~pool{round}";
    }

    private static byte[] EncodeBody(IEnumerable<string> texts)
    {
        var output = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(output, new JsonWriterOptions { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping }))
        {
            writer.WriteStartObject();
            writer.WriteStartArray("text");
            foreach (string text in texts)
            {
                writer.WriteStringValue(text);
            }
            writer.WriteEndArray();
            writer.WriteEndObject();
        }
        return output.WrittenSpan.ToArray();
    }
}
