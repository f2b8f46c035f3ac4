using System.Net;

namespace Tests.Security;

/// <summary>The per-API-key rate limit on a real server: a key over its rate gets 429 + Retry-After, another key does not.</summary>
[Collection(ApiKeyServerCollection.Name)]
public sealed class RateLimitByKeyTests(ApiKeyServerFixture fixture)
{
    private HttpClient Client() => new() { BaseAddress = fixture.Server.Address, Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Predict_WithinTheRate_200()
    {
        using var client = Client();
        string key = ApiKeyServerFixture.FileKeys[1];

        for (int i = 0; i < ApiKeyServerFixture.Burst; i++)
        {
            using var response = await client.SendAsync(Predict.Request(bearer: key));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task Predict_KeyOverItsRate_429WithRetryAfter_AnotherKeyUnaffected()
    {
        using var client = Client();
        string greedy = ApiKeyServerFixture.FileKeys[2];

        var (responses, took) = await Predict.BurstAsync(client, 20, () => Predict.Request(bearer: greedy));
        using var other = await client.SendAsync(Predict.Request(apiKey: ApiKeyServerFixture.FileKeys[3]));

        await Predict.AssertLimitedAsync(responses, took, ApiKeyServerFixture.Burst, ApiKeyServerFixture.PermitsPerSecond);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        foreach (var response in responses)
        {
            response.Dispose();
        }
    }

    [Fact]
    public async Task Predict_SameKeyAsBearerAndAsHeader_SharesOneBucket()
    {
        using var client = Client();
        string key = ApiKeyServerFixture.FileKeys[4];
        // The bucket belongs to the key, not to how it is sent.
        int sent = 0;

        var (responses, took) = await Predict.BurstAsync(client, 20, () => Interlocked.Increment(ref sent) % 2 == 0 ? Predict.Request(bearer: key) : Predict.Request(apiKey: key));

        await Predict.AssertLimitedAsync(responses, took, ApiKeyServerFixture.Burst, ApiKeyServerFixture.PermitsPerSecond);
    }

    [Fact]
    public async Task Health_ManyRequestsWithoutKey_NeverLimited()
    {
        using var client = Client();

        var responses = await Task.WhenAll(Enumerable.Range(0, 30).Select(_ => client.GetAsync("health/ready")));

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
    }
}

/// <summary>
/// The per-IP rate limit (no API keys) on a real server: clients are told apart by address; X-Forwarded-For counts
/// only from a trusted proxy, so a client cannot escape its bucket by inventing addresses.
/// </summary>
public sealed class RateLimitByClientIpTests(ClientIpServerFixture fixture) : IClassFixture<ClientIpServerFixture>
{
    [Fact]
    public async Task Predict_ClientOverItsRate_429_AnotherAddressUnaffected()
    {
        using var greedy = LoopbackClient.From(IPAddress.Parse("127.0.0.11"), fixture.Server.Address);
        using var other = LoopbackClient.From(IPAddress.Parse("127.0.0.12"), fixture.Server.Address);

        var (responses, took) = await Predict.BurstAsync(greedy, 20, () => Predict.Request());
        using var answer = await other.SendAsync(Predict.Request());

        await Predict.AssertLimitedAsync(responses, took, ClientIpServerFixture.Burst, 1);
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
    }

    [Fact]
    public async Task Predict_ForwardedForFromAnUntrustedClient_Ignored()
    {
        using var spoofer = LoopbackClient.From(IPAddress.Parse("127.0.0.13"), fixture.Server.Address);
        int sent = 0;

        // Every request claims another address: all still share the connection's bucket.
        var (responses, took) = await Predict.BurstAsync(spoofer, 20, () => Predict.Request(forwardedFor: $"10.9.0.{Interlocked.Increment(ref sent)}"));

        await Predict.AssertLimitedAsync(responses, took, ClientIpServerFixture.Burst, 1);
    }

    [Fact]
    public async Task Predict_ForwardedForFromTheTrustedProxy_EachClientItsOwnBucket()
    {
        using var proxy = LoopbackClient.From(ClientIpServerFixture.TrustedProxy, fixture.Server.Address);

        // One client behind the proxy exhausts its bucket; the next client behind the same proxy is served.
        var (responses, took) = await Predict.BurstAsync(proxy, 20, () => Predict.Request(forwardedFor: "10.8.0.1"));
        using var next = await proxy.SendAsync(Predict.Request(forwardedFor: "10.8.0.2"));

        await Predict.AssertLimitedAsync(responses, took, ClientIpServerFixture.Burst, 1);
        Assert.Equal(HttpStatusCode.OK, next.StatusCode);
    }
}
