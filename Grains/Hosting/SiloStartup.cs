using System.Diagnostics;
using Grains.Inference.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Grains.Hosting;

/// <summary>
/// Loads the model before the server listens (a missing or corrupt model stops startup), warms it up
/// so the first request does not pay for ORT's lazy initialisation, then reports ready.
/// </summary>
public sealed partial class SiloStartup(IServiceProvider services, SiloReadiness readiness, IHostApplicationLifetime lifetime, ILogger<SiloStartup> logger) : IHostedService
{
    private const string WarmupText = "warm up the model with a sentence of ordinary length before serving";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        var model = (SentimentModel)services.GetService(typeof(SentimentModel))!;
        Warmup(model);
        LogLoaded(model.Directory.Root, model.Descriptor.ModelId, string.Join(", ", model.Descriptor.Labels), model.MaxTokens, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        lifetime.ApplicationStopping.Register(readiness.MarkDraining);
        readiness.MarkReady();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static void Warmup(SentimentModel model)
    {
        const int rows = 2;
        long[] ids = new long[rows * model.MaxTokens];
        int columns = model.Tokenizer.Encode(WarmupText, ids.AsSpan(0, model.MaxTokens));
        ids.AsSpan(0, columns).CopyTo(ids.AsSpan(columns));
        long[] mask = new long[ids.Length];
        mask.AsSpan(0, rows * columns).Fill(1);
        long[][] inputs = model.HasTokenTypeIds ? [ids, mask, new long[ids.Length]] : [ids, mask];
        model.Run(inputs, rows, columns, new float[rows * model.LabelCount]);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Path} loaded (id {ModelId}, labels {Labels}, max {MaxTokens} tokens) and warmed up in {ElapsedMs:F0} ms")]
    private partial void LogLoaded(string path, string modelId, string labels, int maxTokens, double elapsedMs);
}
