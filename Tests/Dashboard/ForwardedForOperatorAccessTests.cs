using System.Net;
using System.Net.Http.Headers;
using Tests.Infrastructure;

namespace Tests.Dashboard;

/// <summary>
/// Behind trusted proxies the dashboard's loopback rule still looks at the TCP peer, over real HTTP: a proxy's
/// <c>X-Forwarded-For</c> (which its client may have written) neither makes a request loopback nor takes a loopback
/// peer's access away; forwarded headers only name the client for rate limits.
/// </summary>
public sealed class ForwardedForOperatorAccessTests(TrustedProxyDashboardFixture fixture) : IClassFixture<TrustedProxyDashboardFixture>
{
    private const string Counters = "dashboard/DashboardCounters";

    [Fact]
    public async Task A_loopback_peer_forwarding_a_remote_client_still_gets_in_without_a_key()
    {
        using var client = OperatorAccessFixture.ClientOf(fixture.Server.Address);

        using var answer = await client.SendAsync(Get(Counters, forwardedFor: "203.0.113.5"));

        Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{answer.StatusCode}\n{fixture.Server.Output}");
    }

    [NonLoopbackTheory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    [InlineData("127.0.0.1, 127.0.0.1")]
    [InlineData("203.0.113.5, 127.0.0.1")]
    public async Task A_trusted_proxy_beyond_loopback_forwarding_a_loopback_address_gets_401(string forwardedFor)
    {
        using var client = OperatorAccessFixture.ClientOf(fixture.BeyondLoopback!);

        foreach (string path in new[] { "dashboard/", Counters })
        {
            using var answer = await client.SendAsync(Get(path, forwardedFor));
            Assert.True(answer.StatusCode == HttpStatusCode.Unauthorized, $"{path} forwarded for {forwardedFor}: {answer.StatusCode}");
            Assert.Equal("Basic", Assert.Single(answer.Headers.WwwAuthenticate).Scheme);
        }
    }

    [NonLoopbackFact]
    public async Task A_trusted_proxy_beyond_loopback_with_the_operator_key_gets_in()
    {
        using var client = OperatorAccessFixture.ClientOf(fixture.BeyondLoopback!);
        using var request = Get(Counters, forwardedFor: "127.0.0.1");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", TrustedProxyDashboardFixture.Key);

        using var answer = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        Assert.Empty(fixture.ErrorLines);
    }

    private static HttpRequestMessage Get(string path, string forwardedFor)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.TryAddWithoutValidation("X-Forwarded-For", forwardedFor);
        return request;
    }
}
