using System.Net;
using LoadRunner.Bare;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;

namespace Tests.LoadTest;

/// <summary>
/// A <c>POST /predict</c> on a free loopback port whose answer a test scripts: it gets the request body and writes
/// the response (e.g. stall, or set <c>X-Cache</c>), typically ending with <see cref="WriteAnswerAsync"/>.
/// </summary>
internal sealed class ScriptedPredictServer : IAsyncDisposable
{
    private readonly WebApplication _app;

    private ScriptedPredictServer(WebApplication app)
    {
        _app = app;
    }

    public string Url => _app.Urls.First();

    public static async Task<ScriptedPredictServer> StartAsync(Func<HttpContext, byte[], Task> answer)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Services.AddRoutingCore();
        var app = builder.Build();
        app.MapPost("/predict", async context =>
        {
            using var body = new MemoryStream();
            await context.Request.Body.CopyToAsync(body);
            await answer(context, body.ToArray());
        });
        await app.StartAsync();
        return new ScriptedPredictServer(app);
    }

    /// <summary>The bare server's fixed answer.</summary>
    public static Task WriteAnswerAsync(HttpContext context)
    {
        context.Response.ContentType = "application/json";
        return context.Response.Body.WriteAsync(BareServer.Answer).AsTask();
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
