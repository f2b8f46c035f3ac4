using System.Text;
using System.Text.Json;

namespace Tests.EndToEnd;

/// <summary>Body framing only real Kestrel sees (chunks, slow bodies): the client's mistakes get a 4xx, never a 500.</summary>
public sealed class RequestFramingTests(ApiServerFixture fixture) : IClassFixture<ApiServerFixture>
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    private static readonly byte[] ChunkedJsonHead = RawHttp.Head("POST", "/predict", "Content-Type: application/json", "Transfer-Encoding: chunked");

    private Task<RawHttpResponse> SendAsync(params byte[][] pieces) => RawHttp.SendAsync(fixture.Server.Address, pieces, TimeSpan.Zero, Timeout);

    [Theory]
    [InlineData("zz\r\n{\"text\": [\"a\"]}\r\n0\r\n\r\n")]
    [InlineData("11\r\n{\"text\": [\"a\"]}XX0\r\n\r\n")]
    [InlineData("-5\r\nabcde\r\n0\r\n\r\n")]
    [InlineData("fffffffffffffffffff\r\nabc\r\n0\r\n\r\n")]
    public async Task Predict_MalformedChunkFraming_400Problem(string framedBody)
    {
        var response = await SendAsync(ChunkedJsonHead, Encoding.ASCII.GetBytes(framedBody));

        Assert.True(response.Status == 400, response.ToString());
        Assert.Contains("application/problem+json", response.Head);
        Assert.Empty(fixture.ErrorLines);
    }

    [Fact]
    public async Task Predict_BodyTricklingBelowMinimumDataRate_408Problem()
    {
        // Kestrel's default minimum: 240 bytes/s after a 5 s grace period; this sends 4 bytes/s.
        byte[] head = RawHttp.Head("POST", "/predict", "Content-Type: application/json", "Content-Length: 400");
        var pieces = new List<byte[]> { head };
        pieces.AddRange(Enumerable.Range(0, 400).Select(_ => " "u8.ToArray()));

        var response = await RawHttp.SendAsync(fixture.Server.Address, pieces, TimeSpan.FromMilliseconds(250), Timeout);

        Assert.True(response.Status == 408, response.ToString());
        Assert.Empty(fixture.ErrorLines);
    }

    [Fact]
    public async Task Predict_BodyShorterThanItsContentLength_ConnectionHeldOpen_408Problem()
    {
        // The server cannot tell a short body from a slow one: it waits for the rest until the data rate's grace period ends.
        byte[] head = RawHttp.Head("POST", "/predict", "Content-Type: application/json", "Content-Length: 500");

        var response = await RawHttp.SendAsync(fixture.Server.Address, [head, "{\"text\": [\"a\"]}"u8.ToArray()], TimeSpan.Zero, Timeout);

        Assert.True(response.Status == 408, response.ToString());
        Assert.Contains("application/problem+json", response.Head);
        Assert.Empty(fixture.ErrorLines);
    }

    [Fact]
    public async Task Predict_BodyShorterThanItsContentLength_ThenHalfClosed_ClosedWithoutAnAnswer()
    {
        // Kestrel takes the end of the client's input as the client leaving: it closes the connection and answers nothing
        // (not 408 after the data rate's grace period, nor 400).
        byte[] head = RawHttp.Head("POST", "/predict", "Content-Type: application/json", "Content-Length: 500");

        var response = await RawHttp.SendAsync(fixture.Server.Address, [head, "{\"text\": [\"a\"]}"u8.ToArray()], TimeSpan.Zero, Timeout, halfClose: true);

        // Closed (in order or reset) with not a byte sent back; a timeout would mean the server still waits.
        Assert.True(response.Status is null && response.Head.Length == 0, response.ToString());
        Assert.True(response.Failure is "no status line" or "receive: ConnectionReset", response.ToString());
        Assert.Empty(fixture.ErrorLines);
        using var http = new HttpClient { BaseAddress = fixture.Server.Address };
        using var ordinary = await http.PostAsync("predict", new StringContent("{\"text\": [\"a\"]}", Encoding.UTF8, "application/json"));
        Assert.Equal(System.Net.HttpStatusCode.OK, ordinary.StatusCode);
    }

    [Fact]
    public async Task Predict_BodyOfExactlyTheLimitSentChunked_200()
    {
        byte[] body = JsonBodyOfLength(1 << 20);

        var response = await SendAsync(ChunkedJsonHead, RawHttp.Chunked(body, 8192));

        Assert.True(response.Status == 200, response.ToString());
    }

    [Fact]
    public async Task Predict_BodyInOneByteChunks_200()
    {
        byte[] body = JsonBodyOfLength(200_000);

        var response = await SendAsync(ChunkedJsonHead, RawHttp.Chunked(body, 1));

        Assert.True(response.Status == 200, response.ToString());
    }

    [Fact]
    public async Task Predict_BodyOneByteOverTheLimitSentChunked_413()
    {
        byte[] body = JsonBodyOfLength((1 << 20) + 1);

        var response = await SendAsync(ChunkedJsonHead, RawHttp.Chunked(body, 8192));

        Assert.True(response.Status == 413, response.ToString());
    }

    /// <summary>A valid request of exactly <paramref name="length"/> bytes: texts within the limits, padded with trailing whitespace.</summary>
    private static byte[] JsonBodyOfLength(int length)
    {
        var texts = new List<string>();
        int size = "{\"text\": []}".Length;
        while (size + 9_000 + 4 < length && texts.Count < 120)
        {
            texts.Add($"{texts.Count} " + new string('y', 8_990));
            size += texts[^1].Length + 4;
        }
        string json = JsonSerializer.Serialize(new { text = texts });
        Assert.True(json.Length <= length, $"{json.Length} > {length}");
        return Encoding.UTF8.GetBytes(json + new string(' ', length - json.Length));
    }
}
