using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace Redis.Connections;

/// <summary>A parsed <see cref="RedisOptions.Endpoint"/>: an address to connect to, and the text to name it by in messages.</summary>
internal sealed class RedisEndpoint
{
    public const int DefaultPort = 6379;

    private readonly string _text;

    private RedisEndpoint(EndPoint endPoint, string text)
    {
        EndPoint = endPoint;
        _text = text;
    }

    /// <summary>An <see cref="IPEndPoint"/> for an address literal, else a <see cref="DnsEndPoint"/> resolved on every connect.</summary>
    public EndPoint EndPoint { get; }

    /// <summary>
    /// Parses <c>host:port</c>, <c>host</c>, <c>[ipv6]:port</c>, <c>[ipv6]</c> or a bare IPv6 address (6379 when no port).
    /// </summary>
    /// <exception cref="ArgumentException">Not an endpoint.</exception>
    public static RedisEndpoint Parse(string text)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(text);
        var trimmed = text.Trim();
        string host;
        string? port = null;
        if (trimmed.StartsWith('['))
        {
            int close = trimmed.IndexOf(']');
            if (close < 0 || (close + 1 < trimmed.Length && trimmed[close + 1] != ':'))
            {
                throw Invalid(text, "a bracketed IPv6 address must be followed by nothing or :port");
            }
            host = trimmed[1..close];
            if (close + 1 < trimmed.Length)
            {
                port = trimmed[(close + 2)..];
            }
            if (!IPAddress.TryParse(host, out var v6) || v6.AddressFamily != AddressFamily.InterNetworkV6)
            {
                throw Invalid(text, $"\"{host}\" is not an IPv6 address");
            }
        }
        else if (trimmed.AsSpan().Count(':') > 1)
        {
            // Several colons and no brackets: only a bare IPv6 address makes sense (its port cannot be told apart).
            host = trimmed;
        }
        else
        {
            int colon = trimmed.IndexOf(':');
            host = colon < 0 ? trimmed : trimmed[..colon];
            port = colon < 0 ? null : trimmed[(colon + 1)..];
        }

        int portNumber = DefaultPort;
        if (port is not null && (!int.TryParse(port, NumberStyles.None, CultureInfo.InvariantCulture, out portNumber) || portNumber is < 1 or > 65535))
        {
            throw Invalid(text, $"\"{port}\" is not a port (1-65535)");
        }
        if (IPAddress.TryParse(host, out var address))
        {
            return new RedisEndpoint(new IPEndPoint(address, portNumber), text);
        }
        if (Uri.CheckHostName(host) != UriHostNameType.Dns)
        {
            throw Invalid(text, $"\"{host}\" is not a host name or IP address");
        }
        return new RedisEndpoint(new DnsEndPoint(host, portNumber), text);
    }

    public override string ToString() => _text;

    private static ArgumentException Invalid(string text, string why) =>
        new($"Invalid Redis endpoint \"{text}\": {why}.", nameof(RedisOptions.Endpoint));
}
