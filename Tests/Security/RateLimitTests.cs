using System.Net;

namespace Tests.Security;

/// <summary>
/// The per-API-key rate limit on a real server: a key over its rate gets 429 + Retry-After, another key does not; wrong
/// and missing keys spend their address's bucket.
/// </summary>
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
    public async Task Predict_WrongKeysFromOneAddress_SpendItsBucket_429WithRetryAfter_ValidKeyFromThereUnaffected()
    {
        // Its own loopback address, so the other tests' keyless requests from 127.0.0.1 do not share its bucket.
        using var guesser = LoopbackClient.From(IPAddress.Parse("127.0.0.21"), fixture.Server.Address);

        // Every guess another key, sent either way, and requests with none: all spend the address's one bucket.
        int sent = 0;
        var (responses, took) = await Predict.BurstAsync(guesser, 20, () => (Interlocked.Increment(ref sent) % 3) switch
        {
            0 => Predict.Request(bearer: $"guess-{Guid.NewGuid():N}"),
            1 => Predict.Request(apiKey: $"guess-{Guid.NewGuid():N}"),
            _ => Predict.Request(),
        });
        using var valid = await guesser.SendAsync(Predict.Request(apiKey: ApiKeyServerFixture.FileKeys[5]));

        await Predict.AssertLimitedAsync(responses, took, ApiKeyServerFixture.Burst, ApiKeyServerFixture.PermitsPerSecond, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpStatusCode.OK, valid.StatusCode);
        foreach (var response in responses)
        {
            response.Dispose();
        }
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

/// <summary>
/// Clients named by a trusted proxy's X-Forwarded-For, on a real server: an IPv6 client is its /64, and however many
/// addresses come, the limiter holds at most RateLimit:MaxClients buckets (new addresses then share one).
/// </summary>
public sealed class RateLimitBoundedClientsTests(BoundedClientsServerFixture fixture) : IClassFixture<BoundedClientsServerFixture>
{
    [Fact]
    public async Task Predict_AddressesOfOneSlash64ShareABucket_AndManyNetworksGetAtMostMaxClientsBuckets()
    {
        using var proxy = new HttpClient { BaseAddress = fixture.Server.Address, Timeout = TimeSpan.FromSeconds(30) };
        const int burst = BoundedClientsServerFixture.Burst;

        // One client, another address of its /64 for every request (zone ids too): one bucket.
        string[] addresses = ["2001:db8:1::1", "2001:db8:1::2", "2001:db8:1:0:ffff:ffff:ffff:ffff", "2001:db8:1::3%1", "2001:db8:1:0:8000::7"];
        int sent = 0;
        var (sameNetwork, took) = await Predict.BurstAsync(proxy, 20, () => Predict.Request(forwardedFor: addresses[Interlocked.Increment(ref sent) % addresses.Length]));
        using var otherNetwork = await proxy.SendAsync(Predict.Request(forwardedFor: "2001:db8:2::1"));
        await Predict.AssertLimitedAsync(sameNetwork, took, burst, 1);
        Assert.Equal(HttpStatusCode.OK, otherNetwork.StatusCode);

        // Many networks, one request each: the buckets left (MaxClients less the two above) go to the first ones,
        // the rest share one bucket, so few more pass than that bucket and its refill.
        const int networks = 150;
        int bucketsLeft = BoundedClientsServerFixture.MaxClients - 2;
        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? refused = null;
        var watch = System.Diagnostics.Stopwatch.StartNew();
        for (int i = 0; i < networks; i++)
        {
            var response = await proxy.SendAsync(Predict.Request(forwardedFor: $"2001:db8:{0x100 + i:x}::1"));
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests && refused is null)
            {
                refused = response;
                continue;
            }
            response.Dispose();
        }
        var elapsed = watch.Elapsed;

        int passed = statuses.Count(s => s == HttpStatusCode.OK);
        string summary = $"{passed} of {networks} passed in {elapsed.TotalSeconds:F1} s: {string.Join(", ", statuses.Select(s => (int)s))}";
        Assert.True(statuses.All(s => s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests), summary);
        Assert.True(statuses.Take(bucketsLeft + burst).All(s => s == HttpStatusCode.OK), summary);
        // The limiter drops buckets idle for 10 s; a slower run may have freed places for later networks.
        int freed = elapsed < TimeSpan.FromSeconds(10) ? 0 : BoundedClientsServerFixture.MaxClients * (int)Math.Ceiling(elapsed.TotalSeconds / 10);
        Assert.True(passed <= bucketsLeft + burst + (int)Math.Ceiling(elapsed.TotalSeconds) + 1 + freed, summary);
        Assert.NotNull(refused);
        using (refused)
        {
            await Predict.AssertTooManyRequestsAsync(refused);
        }
        Assert.Contains("RateLimit:MaxClients", fixture.Server.Output);
        Assert.Empty(fixture.ErrorLines);
    }
}
