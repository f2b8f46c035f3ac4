using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PredictionCluster.ServiceDefaults.Operators;

/// <summary>
/// Once the server listens: if it does beyond loopback and no operator key is configured, says so once. Nothing is
/// open (such requests get 401), but an operator reaching the dashboard through a Service or an Ingress would
/// otherwise only see the 401 and not know why.
/// </summary>
internal sealed partial class UnprotectedListenerWarning(IServer server, OperatorKey key, IHostApplicationLifetime lifetime, ILogger<UnprotectedListenerWarning> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(WarnIfUnprotected);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private void WarnIfUnprotected()
    {
        if (key.IsConfigured)
        {
            return;
        }
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        string[] beyond = [.. addresses.Where(a => !IsLoopbackOnly(a))];
        if (beyond.Length > 0)
        {
            LogNoKey(string.Join(", ", beyond));
        }
    }

    /// <summary>Whether a listen address (<c>http://127.0.0.1:8000</c>, <c>http://localhost:5000</c>, <c>http://[::]:8080</c>) accepts only loopback.</summary>
    internal static bool IsLoopbackOnly(string address)
    {
        var binding = BindingAddress.Parse(address);
        if (binding.IsUnixPipe || binding.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return IPAddress.TryParse(binding.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "Listening on {Addresses} with no operator key (Dashboard:OperatorKey): /dashboard answers only requests from loopback; others get 401")]
    private partial void LogNoKey(string addresses);
}
