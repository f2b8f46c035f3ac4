using System.Diagnostics;
using PredictionCluster.Inference.Model;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace PredictionCluster.Grains.Hosting;

/// <summary>
/// Warms the model up before the server listens, so the first request does not pay for ORT's lazy
/// initialisation, then reports ready. (The model itself loads when the host resolves its services:
/// a missing or corrupt model stops startup before this runs.)
/// </summary>
public sealed partial class SiloStartup(SentimentModel model, SiloReadiness readiness, ILogger<SiloStartup> logger) : IHostedService
{
    private const string WarmupText = "warm up the model with a sentence of ordinary length before serving";

    public Task StartAsync(CancellationToken cancellationToken)
    {
        long started = Stopwatch.GetTimestamp();
        Warmup(model);
        LogWarmedUp(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Model warmed up in {ElapsedMs:F0} ms; ready")]
    private partial void LogWarmedUp(double elapsedMs);
}
