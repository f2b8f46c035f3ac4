using System.IO.Pipelines;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;

namespace LoadRunner.Bare;

/// <summary>
/// <c>serve-bare</c>: the cheapest honest <c>POST /predict</c> (Kestrel, routing, read the whole body, a fixed answer
/// shaped like the real one for one text). Benchmarks load it with the same runner in the same run as the real
/// service, so the difference is what the service's own work costs.
/// </summary>
internal static class BareServer
{
    public const string DefaultUrls = "http://127.0.0.1:8001";

    /// <summary>The fixed answer: one text, every label of an SST-2 model with its score.</summary>
    public static ReadOnlyMemory<byte> Answer { get; } =
        """{"predictions":[[{"label":"NEGATIVE","score":0.25},{"label":"POSITIVE","score":0.75}]]}"""u8.ToArray();

    /// <summary>
    /// A bare server listening on <paramref name="urls"/>, not started: HTTP/1.1, or with <paramref name="http2"/>
    /// HTTP/2 only (cleartext HTTP/2 needs prior knowledge, which an endpoint offering both cannot detect).
    /// </summary>
    public static WebApplication Build(IEnumerable<string> urls, bool http2 = false)
    {
        // The empty builder: no configuration files, no logging providers, nothing on the request path but routing.
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel =>
        {
            kestrel.AddServerHeader = false;
            kestrel.ConfigureEndpointDefaults(listen => listen.Protocols = http2 ? HttpProtocols.Http2 : HttpProtocols.Http1);
        });
        builder.WebHost.UseUrls(urls.ToArray());
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        app.MapPost("/predict", AnswerAsync);
        return app;
    }

    /// <summary>The <c>serve-bare [--urls URL[;URL...]] [--http2]</c> command: serves until stopped.</summary>
    public static async Task<int> RunAsync(string urls, bool http2, TextWriter output, TextWriter error, CancellationToken stop)
    {
        await using var app = Build(urls.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries), http2);
        try
        {
            await app.StartAsync(stop);
        }
        catch (IOException e)
        {
            error.WriteLine($"error: cannot listen on {urls}: {e.Message}");
            return 1;
        }
        output.WriteLine($"serve-bare: POST /predict on {string.Join(", ", app.Urls)} ({(http2 ? "HTTP/2 only" : "HTTP/1.1")}); Ctrl+C stops");
        // Ctrl+C arrives through stop; SIGTERM through the host's lifetime, which only signals that it is stopping.
        using var stopping = CancellationTokenSource.CreateLinkedTokenSource(stop, app.Lifetime.ApplicationStopping);
        try
        {
            await Task.Delay(Timeout.Infinite, stopping.Token);
        }
        catch (OperationCanceledException)
        {
            // Stopped.
        }
        await app.StopAsync(CancellationToken.None);
        return 0;
    }

    private static async Task AnswerAsync(HttpContext context)
    {
        // Read the whole body, as the real service must, but keep none of it.
        PipeReader body = context.Request.BodyReader;
        while (true)
        {
            var read = await body.ReadAsync(context.RequestAborted);
            body.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                break;
            }
        }
        var response = context.Response;
        response.ContentType = "application/json";
        response.ContentLength = Answer.Length;
        await response.BodyWriter.WriteAsync(Answer, context.RequestAborted);
    }
}
