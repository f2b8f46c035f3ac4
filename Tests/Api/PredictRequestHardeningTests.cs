using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tests.Infrastructure;

namespace Tests.Api;

/// <summary>Client input that once got a 500 or was misread: every one gets a clear 4xx (or is served).</summary>
public sealed class PredictRequestHardeningTests(EmbeddedApiFactory factory) : IClassFixture<EmbeddedApiFactory>
{
    private readonly HttpClient _client = factory.CreateClient();

    /// <summary>Bytes of <paramref name="body"/>, where "\xHH" stands for the raw byte HH (invalid UTF-8 on purpose).</summary>
    private static byte[] Bytes(string body)
    {
        var bytes = new List<byte>();
        for (int i = 0; i < body.Length; i++)
        {
            if (body[i] == '\\' && i + 3 < body.Length && body[i + 1] == 'x')
            {
                bytes.Add(Convert.ToByte(body.Substring(i + 2, 2), 16));
                i += 3;
                continue;
            }
            bytes.AddRange(Encoding.UTF8.GetBytes(body[i].ToString()));
        }
        return bytes.ToArray();
    }

    private static ByteArrayContent Content(byte[] body, string? contentType = "application/json")
    {
        var content = new ByteArrayContent(body);
        if (contentType is not null)
        {
            content.Headers.TryAddWithoutValidation("Content-Type", contentType);
        }
        return content;
    }

    [Theory]
    [InlineData(@"{""text"": [""a\xc3""]}", "text[0]")]
    [InlineData(@"{""text"": [""ok"", ""\xed\xa0\x80""]}", "text[1]")]
    [InlineData(@"{""text"": [""\xff""]}", "text[0]")]
    [InlineData(@"{""text"":[""\ud800""]}", "text[0]")]
    [InlineData(@"{""text"":[""ok"", ""x\udc00y""]}", "text[1]")]
    [InlineData(@"{""\ud800"":1,""text"":[""a""]}", "$")]
    [InlineData(@"{""text"":[""a""],""\udc00"":0}", "$")]
    [InlineData(@"{""t\xc3"":1,""text"":[""a""]}", "$")]
    public async Task Predict_InvalidTextInsideJsonStrings_400NamingTheField(string body, string field)
    {
        using var response = await _client.PostAsync("/predict", Content(Bytes(body)));

        await PredictApiTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task Predict_EscapedSurrogatePair_IsOrdinaryText()
    {
        using var response = await _client.PostAsync("/predict", Content(Bytes(@"{""text"":[""smile \ud83d\ude00""]}")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  \r\n\t ")]
    [InlineData(@"\xef\xbb\xbf")]
    public async Task Predict_EmptyBody_400SayingTheBodyIsEmpty(string body)
    {
        using var response = await _client.PostAsync("/predict", Content(Bytes(body)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement;
        Assert.Contains("empty", problem.GetProperty("errors").GetProperty("$")[0].GetString());
    }

    [Fact]
    public async Task Predict_Utf8ByteOrderMarkBeforeTheJson_IsAccepted()
    {
        using var response = await _client.PostAsync("/predict", Content(Bytes(@"\xef\xbb\xbf{""text"": [""I love you.""]}")));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(";;;")]
    [InlineData("application/json; charset=utf-16")]
    [InlineData("application/json; charset=iso-8859-1")]
    [InlineData("application/vnd.api+json")]
    [InlineData("text/json")]
    [InlineData("application/x-www-form-urlencoded")]
    [InlineData("application/json; charset=utf-8; charset=utf-16")]
    [InlineData("application/json; charset=latin1; charset=utf-8")]
    [InlineData("application/json; charset=utf-8; CHARSET=utf-8")]
    [InlineData("application/json; x=1; charset=utf-8; x=2")]
    public async Task Predict_ContentTypeNotUtf8Json_415Problem(string? contentType)
    {
        using var response = await _client.PostAsync("/predict", Content(Encoding.UTF8.GetBytes(@"{""text"": [""a""]}"), contentType));

        await PredictApiTests.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, null);
        // RFC 9110 §12.5.3: a 415 that is not about a content coding must not carry Accept-Encoding.
        Assert.False(response.Headers.Contains("Accept-Encoding"));
    }

    [Theory]
    [InlineData("gzip")]
    [InlineData("br")]
    [InlineData("deflate")]
    [InlineData("zstd")]
    [InlineData("x-gzip")]
    [InlineData("identity, gzip")]
    [InlineData("GZIP")]
    public async Task Predict_ContentEncoding_415NamingTheCodingWithAcceptEncodingIdentity(string coding)
    {
        // The body is plain JSON: it is the declared coding that is refused, before a byte of the body is read.
        var content = Content(Encoding.UTF8.GetBytes(@"{""text"": [""a""]}"));
        content.Headers.TryAddWithoutValidation("Content-Encoding", coding);

        using var response = await _client.PostAsync("/predict", content);
        await response.Content.LoadIntoBufferAsync();
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Contains(coding.Split(',')[^1].Trim(), problem.RootElement.GetProperty("detail").GetString());
        Assert.Equal("identity", string.Join(",", response.Headers.GetValues("Accept-Encoding")));
        await PredictApiTests.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, null);
    }

    [Fact]
    public async Task Predict_GzipBombUnderTheBodyLimit_415WithoutInflatingIt()
    {
        // 64 MiB of JSON whitespace compresses to about 64 KiB: under Api:MaxBodyBytes as sent, far over it inflated.
        using var compressed = new MemoryStream();
        using (var gzip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            gzip.Write(@"{""text"": [""a""]}"u8);
            var spaces = new byte[1 << 20];
            spaces.AsSpan().Fill((byte)' ');
            for (int i = 0; i < 64; i++)
            {
                gzip.Write(spaces);
            }
        }
        var content = Content(compressed.ToArray());
        content.Headers.ContentEncoding.Add("gzip");

        using var response = await _client.PostAsync("/predict", content);

        await PredictApiTests.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, null);
    }

    [Theory]
    [InlineData("identity")]
    [InlineData("Identity, identity")]
    public async Task Predict_ContentEncodingIdentity_Served(string coding)
    {
        var content = Content(Encoding.UTF8.GetBytes(@"{""text"": [""a""]}"));
        content.Headers.TryAddWithoutValidation("Content-Encoding", coding);

        using var response = await _client.PostAsync("/predict", content);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Predict_Utf16BodyDeclaredAsUtf16_415NotMisreadAsUtf8()
    {
        using var response = await _client.PostAsync("/predict", Content(Encoding.Unicode.GetBytes(@"{""text"": [""a""]}"), "application/json; charset=utf-16"));

        await PredictApiTests.AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType, null);
    }

    [Theory]
    [InlineData("application/json")]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/json; charset=UTF-8")]
    [InlineData("application/json;charset=\"utf-8\"")]
    [InlineData("Application/JSON")]
    public async Task Predict_Utf8JsonContentType_Served(string contentType)
    {
        using var response = await _client.PostAsync("/predict", Content(Encoding.UTF8.GetBytes(@"{""text"": [""a""]}"), contentType));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Predict_NestingDeeperThanTheReaderAllows_400()
    {
        string body = @"{""text"": [""a""], ""deep"": " + new string('[', 5000) + new string(']', 5000) + "}";

        using var response = await _client.PostAsync("/predict", Content(Encoding.UTF8.GetBytes(body)));

        await PredictApiTests.AssertProblemAsync(response, HttpStatusCode.BadRequest, "$");
    }
}
