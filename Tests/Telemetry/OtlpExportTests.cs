using System.Collections.Concurrent;
using System.Net.Http.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using OpenTelemetry.Trace;
using Tests.Infrastructure;

namespace Tests.Telemetry;

/// <summary>
/// Traces leave the process by OTLP only when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set: then a collector (here a
/// Kestrel endpoint taking OTLP over HTTP) receives them; unset, the host has no tracer provider at all.
/// </summary>
public sealed class OtlpExportTests
{
    [Fact]
    public async Task With_an_endpoint_set_traces_are_sent_to_it_by_otlp()
    {
        var received = new ConcurrentQueue<(string Path, string? ContentType, long Bytes)>();
        int port = FreePort.Reserve();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, port));
        await using var collector = builder.Build();
        collector.MapPost("/v1/{signal}", async (HttpContext context) =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            received.Enqueue((context.Request.Path, context.Request.ContentType, body.Length));
            return Results.Ok();
        });
        await collector.StartAsync();

        await using (var factory = EmbeddedApiFactory.With(new Dictionary<string, string?>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        }))
        {
            Assert.NotNull(factory.Services.GetService<TracerProvider>());
            using var client = factory.CreateClient();
            await WaitUntil.ReadyAsync(client);
            using var response = await client.PostAsJsonAsync("/predict", new { text = new[] { $"an exported trace {Guid.NewGuid()}" } });
            Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync());
            // Spans leave in batches (every 5 s); metrics every 60 s, and when the host stops.
            await WaitUntil.TrueAsync(() => received.Any(r => r.Path == "/v1/traces"), TimeSpan.FromSeconds(30), "traces at the collector");
        }

        var traces = received.Where(r => r.Path == "/v1/traces").ToArray();
        Assert.NotEmpty(traces);
        Assert.All(traces, r => Assert.Equal("application/x-protobuf", r.ContentType));
        Assert.Contains(traces, r => r.Bytes > 0);
        Assert.Contains(received, r => r.Path == "/v1/metrics");
    }

    [Fact]
    public async Task Without_an_endpoint_there_is_no_tracer_provider()
    {
        await using var factory = new EmbeddedApiFactory();
        using var client = factory.CreateClient();
        await WaitUntil.ReadyAsync(client);
        using var response = await client.PostAsJsonAsync("/predict", new { text = new[] { "no trace wanted" } });
        response.EnsureSuccessStatusCode();

        Assert.Null(factory.Services.GetService<TracerProvider>());
    }
}
