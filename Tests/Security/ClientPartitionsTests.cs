using System.Net;
using System.Security.Claims;
using PredictionCluster.Api.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Tests.Security;

/// <summary>Whose bucket a request spends, for addresses a test machine cannot connect from (IPv6 networks, zone ids).</summary>
public sealed class ClientPartitionsTests
{
    [Theory]
    [InlineData("2001:db8::1", "2001:db8::2")]
    [InlineData("2001:db8::1", "2001:db8::ffff:ffff:ffff:ffff")]
    [InlineData("2001:db8:0:7::1", "2001:db8:0:7:8000::1")]
    [InlineData("2001:db8::2", "2001:db8::2%1")] // a zone id names this host's interface, not the client
    [InlineData("fe80::1%2", "fe80::1%3")]
    public void AddressPartition_SameIPv6Slash64_OnePartition(string one, string other) =>
        Assert.Equal(ClientPartitions.AddressPartition(IPAddress.Parse(one), 64), ClientPartitions.AddressPartition(IPAddress.Parse(other), 64));

    [Theory]
    [InlineData("2001:db8::1", "2001:db8:0:1::1")]
    [InlineData("2001:db8::1", "2001:db9::1")]
    public void AddressPartition_AnotherIPv6Slash64_AnotherPartition(string one, string other) =>
        Assert.NotEqual(ClientPartitions.AddressPartition(IPAddress.Parse(one), 64), ClientPartitions.AddressPartition(IPAddress.Parse(other), 64));

    [Theory]
    [InlineData("2001:db8:abcd:1234:5678::1", 64, "ip:2001:db8:abcd:1234::/64")]
    [InlineData("2001:db8:abcd:1234:5678::1", 48, "ip:2001:db8:abcd::/48")]
    [InlineData("2001:db8:abcd:12ff::1", 56, "ip:2001:db8:abcd:1200::/56")]
    [InlineData("2001:db8:abcd:12ff::1", 60, "ip:2001:db8:abcd:12f0::/60")]
    [InlineData("2001:db8::5%7", 128, "ip:2001:db8::5/128")]
    [InlineData("::ffff:192.0.2.9", 64, "ip:192.0.2.9")] // an IPv4 client on a dual-stack socket
    [InlineData("192.0.2.9", 64, "ip:192.0.2.9")]
    [InlineData("192.0.2.10", 64, "ip:192.0.2.10")]
    public void AddressPartition_IPv6ByPrefixWithoutZone_IPv4ByAddress(string address, int prefixLength, string partition) =>
        Assert.Equal(partition, ClientPartitions.AddressPartition(IPAddress.Parse(address), prefixLength));

    [Fact]
    public void PartitionOf_ValidApiKey_TheKeysBucketWhateverTheAddress()
    {
        var partitions = Partitions(maxClients: 10);
        var context = Request("2001:db8::1");
        context.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "0123abcd")], ApiKeyAuthentication.SchemeName));

        Assert.Equal("key:0123abcd", partitions.PartitionOf(context));
    }

    [Fact]
    public void PartitionOf_BoundReached_NewAddressesShareOneBucket_KnownOnesAndKeysKeepTheirs()
    {
        var partitions = Partitions(maxClients: 3);
        var buckets = new[] { "192.0.2.1", "192.0.2.2", "2001:db8:1::1" }.Select(a => partitions.CreateBucket(partitions.PartitionOf(Request(a)))).ToArray();

        Assert.Equal(3, partitions.Count);
        Assert.Equal(ClientPartitions.Overflow, partitions.PartitionOf(Request("192.0.2.3")));
        Assert.Equal(ClientPartitions.Overflow, partitions.PartitionOf(Request("2001:db8:2::1")));
        Assert.Equal("ip:192.0.2.2", partitions.PartitionOf(Request("192.0.2.2")));
        Assert.Equal("ip:2001:db8:1::/64", partitions.PartitionOf(Request("2001:db8:1::99")));
        var keyed = Request("192.0.2.3");
        keyed.User = new ClaimsPrincipal(new ClaimsIdentity([new Claim(ClaimTypes.NameIdentifier, "feed")], ApiKeyAuthentication.SchemeName));
        Assert.Equal("key:feed", partitions.PartitionOf(keyed));

        // The limiter drops an idle bucket by disposing it (once, or twice: Dispose and DisposeAsync): a place is free again.
        buckets[0].Dispose();
        buckets[0].Dispose();
        Assert.Equal(2, partitions.Count);
        Assert.Equal("ip:192.0.2.3", partitions.PartitionOf(Request("192.0.2.3")));
    }

    [Fact]
    public async Task CreateBucket_APartitionsOldBucketReleasedAfterItsNewOneCame_TheNewOneStillCounts()
    {
        var partitions = Partitions(maxClients: 2);
        var old = partitions.CreateBucket("ip:192.0.2.1");
        // The limiter drops a bucket from its table before disposing it; a request in between gets a new one.
        var current = partitions.CreateBucket("ip:192.0.2.1");
        await old.DisposeAsync();

        Assert.Equal(1, partitions.Count);
        partitions.CreateBucket("ip:192.0.2.2");
        Assert.Equal(ClientPartitions.Overflow, partitions.PartitionOf(Request("192.0.2.3")));
        current.Dispose();
        Assert.Equal("ip:192.0.2.3", partitions.PartitionOf(Request("192.0.2.3")));
    }

    private static ClientPartitions Partitions(int maxClients) =>
        new(Options.Create(new ClientRateLimitOptions { PermitsPerSecond = 1, MaxClients = maxClients }), TimeProvider.System, NullLogger<ClientPartitions>.Instance);

    private static DefaultHttpContext Request(string address) => new() { Connection = { RemoteIpAddress = IPAddress.Parse(address) } };
}
