using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Tests.Infrastructure;

namespace Tests.Payloads;

/// <summary>
/// A local OTLP/HTTP receiver (Kestrel on a loopback port): keeps the log records of every <c>/v1/logs</c> post,
/// decoded, and answers every signal 200 as a collector does.
/// </summary>
public sealed class OtlpLogsCollector : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<OtlpLogRecord> _records = new();

    private OtlpLogsCollector(WebApplication app, string endpoint)
    {
        _app = app;
        Endpoint = endpoint;
    }

    /// <summary>The value for <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>.</summary>
    public string Endpoint { get; }

    /// <summary>The records received so far.</summary>
    public IReadOnlyList<OtlpLogRecord> Records => [.. _records];

    public static async Task<OtlpLogsCollector> StartAsync()
    {
        int port = FreePort.Reserve();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port));
        var app = builder.Build();
        var collector = new OtlpLogsCollector(app, $"http://127.0.0.1:{port}");
        app.MapPost("/v1/{signal}", async (HttpContext context, string signal) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            if (signal == "logs")
            {
                foreach (var record in OtlpLogsDecoder.Decode(body.GetBuffer().AsSpan(0, (int)body.Length)))
                {
                    collector._records.Enqueue(record);
                }
            }
            return Results.Ok();
        });
        await app.StartAsync();
        return collector;
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
