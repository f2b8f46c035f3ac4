using System.Net;
using System.Text;
using PredictionCluster.ServiceDefaults.Operators;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Tests.Dashboard;

/// <summary>
/// The Operator scheme as the authorization middleware calls it, on requests built in memory: remote addresses and
/// headers that real sockets here cannot produce (IPv4-mapped loopback, another network, no key configured).
/// </summary>
public sealed class OperatorAuthenticationTests
{
    private const string Key = "operator-key-for-unit-tests";

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("::1")]
    [InlineData("::ffff:127.0.0.1")]
    public async Task Loopback_is_an_operator_with_or_without_a_configured_key(string remote)
    {
        foreach (string? key in new[] { Key, null })
        {
            var result = await AuthenticateAsync(key, remote, authorization: null);
            Assert.True(result.Succeeded, $"{remote}, key {(key is null ? "unset" : "set")}");
        }
    }

    [Theory]
    [InlineData("10.1.2.3")]
    [InlineData("::ffff:10.1.2.3")]
    [InlineData("2001:db8::1")]
    [InlineData(null)] // no IP peer at all (an in-memory server): not loopback
    public async Task Beyond_loopback_no_credentials_is_no_operator(string? remote)
    {
        var result = await AuthenticateAsync(Key, remote, authorization: null);
        Assert.False(result.Succeeded);
    }

    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("::1")]
    public async Task A_loopback_address_written_by_forwarded_headers_is_not_the_peer(string forwarded)
    {
        // What the forwarded-headers middleware does with "X-Forwarded-For: 127.0.0.1" from a trusted proxy.
        var context = Request("10.1.2.3", Key);
        context.Connection.RemoteIpAddress = IPAddress.Parse(forwarded);

        var result = await context.RequestServices.GetRequiredService<IAuthenticationService>().AuthenticateAsync(context, OperatorAccess.SchemeName);

        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task Without_the_recorded_peer_even_a_loopback_address_is_no_operator()
    {
        var context = new DefaultHttpContext { RequestServices = Services(Key), Connection = { RemoteIpAddress = IPAddress.Loopback } };

        var result = await context.RequestServices.GetRequiredService<IAuthenticationService>().AuthenticateAsync(context, OperatorAccess.SchemeName);

        Assert.False(result.Succeeded);
    }

    [Theory]
    [InlineData("anyone")]
    [InlineData("")]
    [InlineData(Key)]
    public async Task Basic_takes_the_password_as_the_key_whatever_the_user_name(string user)
    {
        Assert.True((await AuthenticateAsync(Key, "10.1.2.3", Basic(user, Key))).Succeeded);
        Assert.False((await AuthenticateAsync(Key, "10.1.2.3", Basic(user, "not the key"))).Succeeded);
    }

    [Theory]
    [InlineData("Bearer " + Key, true)]
    [InlineData("bearer " + Key, true)] // schemes are case-insensitive
    [InlineData("Bearer " + Key + "-and-more", false)]
    [InlineData("Bearer", false)]
    [InlineData("Basic !!!not-base64", false)]
    [InlineData("Digest " + Key, false)]
    [InlineData(Key, false)]
    public async Task Only_the_key_as_Bearer_token_or_Basic_password_is_accepted(string authorization, bool accepted)
    {
        var result = await AuthenticateAsync(Key, "10.1.2.3", authorization);
        Assert.Equal(accepted, result.Succeeded);
    }

    [Fact]
    public async Task Basic_credentials_that_are_not_UTF8_or_have_no_colon_are_refused()
    {
        Assert.False((await AuthenticateAsync(Key, "10.1.2.3", "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes(Key)))).Succeeded);
        byte[] invalid = [.. Encoding.UTF8.GetBytes("user:"), 0xFF, .. Encoding.UTF8.GetBytes(Key)];
        Assert.False((await AuthenticateAsync(Key, "10.1.2.3", "Basic " + Convert.ToBase64String(invalid))).Succeeded);
    }

    [Fact]
    public async Task With_no_key_configured_nothing_beyond_loopback_gets_in_whatever_it_presents()
    {
        foreach (string? authorization in new[] { null, Basic("operator", ""), Basic("operator", Key), "Bearer " + Key, "Bearer " })
        {
            var result = await AuthenticateAsync(null, "10.1.2.3", authorization);
            Assert.False(result.Succeeded, authorization ?? "no header");
        }
    }

    [Fact]
    public async Task Two_Authorization_headers_are_refused_even_if_one_holds_the_key()
    {
        var context = Request("10.1.2.3", Key);
        context.Request.Headers.Authorization = new(["Bearer " + Key, "Bearer wrong"]);
        var result = await context.RequestServices.GetRequiredService<IAuthenticationService>().AuthenticateAsync(context, OperatorAccess.SchemeName);
        Assert.False(result.Succeeded);
    }

    [Fact]
    public async Task The_challenge_is_401_with_a_Basic_realm_so_a_browser_prompts()
    {
        var context = Request("10.1.2.3", Key);
        await context.RequestServices.GetRequiredService<IAuthenticationService>().ChallengeAsync(context, OperatorAccess.SchemeName, properties: null);
        Assert.Equal(StatusCodes.Status401Unauthorized, context.Response.StatusCode);
        Assert.Equal("Basic realm=\"dashboard\"", context.Response.Headers.WWWAuthenticate.ToString());
    }

    [Theory]
    [InlineData("short")]
    [InlineData("fifteen-chars!!")]
    public void A_key_shorter_than_16_characters_stops_startup(string key)
    {
        using var services = Services(key);
        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<OperatorKeyOptions>>().Value);
        Assert.Contains("OperatorKey", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://127.0.0.1:8000", true)]
    [InlineData("http://localhost:5000", true)]
    [InlineData("http://[::1]:8000", true)]
    [InlineData("http://0.0.0.0:8080", false)]
    [InlineData("http://[::]:8080", false)]
    [InlineData("http://192.0.2.7:8080", false)]
    [InlineData("http://+:80", false)]
    [InlineData("http://my-host:80", false)]
    public void A_listen_address_counts_as_loopback_only_if_it_is(string address, bool loopbackOnly) =>
        Assert.Equal(loopbackOnly, UnprotectedListenerWarning.IsLoopbackOnly(address));

    private static async Task<AuthenticateResult> AuthenticateAsync(string? key, string? remote, string? authorization)
    {
        var context = Request(remote, key);
        if (authorization is not null)
        {
            context.Request.Headers.Authorization = authorization;
        }
        return await context.RequestServices.GetRequiredService<IAuthenticationService>().AuthenticateAsync(context, OperatorAccess.SchemeName);
    }

    /// <summary>A request whose TCP peer is <paramref name="remote"/>, as the startup filter records it on a real server.</summary>
    private static DefaultHttpContext Request(string? remote, string? key)
    {
        var address = remote is null ? null : IPAddress.Parse(remote);
        var context = new DefaultHttpContext { RequestServices = Services(key), Connection = { RemoteIpAddress = address } };
        context.Features.Set(new ConnectionPeerFeature(address));
        return context;
    }

    private static ServiceProvider Services(string? key)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Dashboard:OperatorKey"] = key }).Build();
        var services = new ServiceCollection().AddLogging();
        services.AddOperatorAccess(configuration);
        return services.BuildServiceProvider();
    }

    private static string Basic(string user, string password) => "Basic " + Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}"));
}
