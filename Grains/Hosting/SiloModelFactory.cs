using System.Diagnostics;
using PredictionCluster.Inference.Batching;
using PredictionCluster.Inference.Model;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace PredictionCluster.Grains.Hosting;

/// <summary>Creates the silo's <see cref="SentimentModel"/> from configuration, once, when the host starts.</summary>
internal static partial class SiloModelFactory
{
    public static SentimentModel Create(IServiceProvider services)
    {
        var directory = services.GetRequiredService<ModelDirectory>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SentimentModel));
        long started = Stopwatch.GetTimestamp();
        var model = SentimentModel.Load(directory, services.GetRequiredService<IOptions<InferenceOptions>>().Value.ToSessionSettings());

        LogLoaded(logger, directory.Root, directory.ModelId, string.Join(", ", directory.Config.Labels), directory.MaxTokens, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        if (directory.Reference is { } reference)
        {
            LogReference(logger, reference.Samples, reference.Source);
        }
        else if (directory.ReferenceIgnored is { } ignored)
        {
            LogReferenceIgnored(logger, ignored);
        }
        return model;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Model {Path} loaded (id {ModelId}, labels {Labels}, max {MaxTokens} tokens) in {ElapsedMs:F0} ms")]
    private static partial void LogLoaded(ILogger logger, string path, string modelId, string labels, int maxTokens, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "Drift reference: {Samples} texts of {Source}")]
    private static partial void LogReference(ILogger logger, long samples, string source);

    // Not an error: the model serves as well without; only the drift figures are missing, and this says why.
    [LoggerMessage(Level = LogLevel.Warning, Message = "Drift reference ignored: {Reason}")]
    private static partial void LogReferenceIgnored(ILogger logger, string reason);
}
