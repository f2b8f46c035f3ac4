using System.Diagnostics;
using System.Diagnostics.Metrics;
using PredictionCluster.Inference;
using PredictionCluster.Inference.Batching;
using PredictionCluster.Inference.Drift;
using PredictionCluster.Inference.Model;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace ReferenceBuilder;

/// <summary>
/// Scores the reference set with the product's <see cref="InferenceEngine"/> (not a re-implementation: the reference
/// must carry the numerics the service serves with) and writes the counts as <see cref="DriftReference"/>.
/// </summary>
internal static class ReferenceRun
{
    public static async Task<(DriftReference Reference, double Seconds)> RunAsync(BuildArguments arguments)
    {
        if (!File.Exists(arguments.DataPath))
        {
            throw new FileNotFoundException($"--data: '{arguments.DataPath}' does not exist.");
        }
        if (!File.Exists(arguments.ConfigPath))
        {
            throw new FileNotFoundException($"--config: '{arguments.ConfigPath}' does not exist.");
        }
        var configuration = new ConfigurationBuilder().AddJsonFile(Path.GetFullPath(arguments.ConfigPath), optional: false).Build();
        var inference = configuration.GetSection(InferenceOptions.SectionName).Get<InferenceOptions>() ?? new InferenceOptions();
        var modelOptions = configuration.GetSection(ModelOptions.SectionName).Get<ModelOptions>() ?? new ModelOptions();
        // The existing reference.json is not read: it is what this run replaces, and may be the broken one being fixed.
        var directory = ModelDirectory.Open(arguments.ModelPath, modelOptions.MaxTokens, readReference: false);
        var sentences = File.ReadLines(arguments.DataPath).Skip(1).Where(line => line.Length > 0).Select(line => line.Split('\t')[0]).ToArray();
        if (sentences.Length == 0)
        {
            throw new InvalidDataException($"--data: '{arguments.DataPath}' holds no sentences.");
        }

        long started = Stopwatch.GetTimestamp();
        using var model = SentimentModel.Load(directory, inference.ToSessionSettings());
        await using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        using var engine = new InferenceEngine(model, Options.Create(inference), new InferenceMetrics(services.GetRequiredService<IMeterFactory>()),
            NullLogger<InferenceEngine>.Instance);
        await engine.StartAsync(CancellationToken.None);
        var counter = new DriftReferenceCounter(directory, arguments.Source);
        try
        {
            // A batch's worth per request, as a client batching its texts would send them; the engine's admission
            // could refuse the whole set at once.
            foreach (var chunk in sentences.Chunk(inference.MaxBatchSize))
            {
                foreach (var scores in await ScoreAsync(engine, chunk))
                {
                    counter.Add(scores);
                }
            }
        }
        finally
        {
            await engine.StopAsync(CancellationToken.None);
        }
        var reference = counter.ToReference();
        reference.Write(Path.Combine(directory.Root, DriftReference.FileName));
        return (reference, Stopwatch.GetElapsedTime(started).TotalSeconds);
    }

    /// <summary>One request of texts; refused (the engine is busy), it is asked again after the wait the engine names.</summary>
    private static async Task<float[][]> ScoreAsync(InferenceEngine engine, string[] texts)
    {
        while (true)
        {
            var request = Guid.NewGuid();
            var outcomes = await Task.WhenAll(texts.Select(text => engine.InferAsync(text, request, texts.Length, CancellationToken.None).AsTask()));
            if (outcomes.All(o => !o.IsRefused))
            {
                return outcomes.Select(o => o.Scores!).ToArray();
            }
            await Task.Delay(outcomes.Max(o => o.RetryAfter));
        }
    }
}
