using System.CommandLine;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using PredictionCluster.Grains.Hosting;
using PredictionCluster.Inference.Model;
using PredictionCluster.Grains.Interfaces;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Storage;

namespace Benchmarks;

/// <summary>
/// <c>memory</c>: what a cached prediction costs a silo, as the cluster holds it: one PredictionGrain activation
/// with its scores in memory. An in-process silo wired as the service wires it (<see cref="PredictionSiloBuilderExtensions.AddPredictionSilo"/>,
/// localhost clustering) over a model activates <c>--keys</c> grains by predicting as many distinct short texts
/// through <see cref="IGrainFactory"/>; GC heap and RSS before and after give the bytes per prediction. Grain
/// storage is off (<c>Storage:Provider=None</c>, the embedded default): in the cluster the stored copy lives in Redis, not in the silo.
/// Whether RSS levels off while unique texts keep coming is <see cref="MemoryHttpCommand"/>'s question, asked of the
/// service itself over HTTP.
/// </summary>
internal static class MemoryCommand
{
    public const string Name = "memory";

    // Calls in flight at once: enough for the inference engine to form full batches, few enough not to queue past
    // its capacity (Inference:QueueCapacity, 2048; its queueing budget is lifted for this run).
    private const int CallsInFlight = 256;

    public static Command Create()
    {
        var keysOption = CliOptions.Int("--keys", "PredictionGrains activated for the bytes-per-prediction figure", 100_000);
        var modelOption = CliOptions.String("--model", "model directory (the scores cost the same whatever the model; a small one is fastest)", "models/lexicon");
        var redisOption = CliOptions.String("--redis", "Redis endpoint (host:port) of a Redis this command may empty: also measures Redis bytes per stored prediction", "");
        var redisKeysOption = CliOptions.Int("--redis-keys", "predictions stored in Redis for the bytes-per-entry figure", 20_000);
        var jsonOption = CliOptions.Flag("--json", "end with one line SUMMARY {json}");
        var command = new Command(Name, "silo memory per cached prediction (a PredictionGrain activation with its scores), and Redis bytes per stored one")
        {
            keysOption, modelOption, redisOption, redisKeysOption, jsonOption,
        };
        command.SetAction((parse, cancellation) => RunAsync(
            parse.InvocationConfiguration.Output,
            new Settings(
                parse.GetValue(keysOption),
                RepositoryFiles.Resolve(parse.GetRequiredValue(modelOption)),
                parse.GetValue(redisOption) is { Length: > 0 } redis ? redis : null,
                parse.GetValue(redisKeysOption),
                parse.GetValue(jsonOption)),
            cancellation));
        return command;
    }

    private static async Task<int> RunAsync(TextWriter output, Settings settings, CancellationToken cancellation)
    {
        long started = Stopwatch.GetTimestamp();
        output.WriteLine($"# memory: PredictionGrain activations holding their scores, in-process silo over {settings.ModelPath}; no grain storage");

        // 1. Per cached prediction: nothing is collected while the keys are activated and measured.
        double heapPerKey, rssPerKey, keysPerSecond;
        string modelId;
        int labels, activations;
        await using (var silo = await StartSiloAsync(settings, cancellation))
        {
            modelId = silo.ModelId;
            labels = silo.Labels;
            // Warm-up on other keys: JIT, thread pool, the engine's buffers, the runtime's own grains.
            await silo.PredictAsync("memory-warmup", 0, Math.Clamp(settings.Keys / 10, 100, 5_000), cancellation);
            long heapBefore = GC.GetTotalMemory(forceFullCollection: true);
            long rssBefore = Rss();
            long phase = Stopwatch.GetTimestamp();
            await silo.PredictAsync("memory", 0, settings.Keys, cancellation);
            keysPerSecond = settings.Keys / Stopwatch.GetElapsedTime(phase).TotalSeconds;
            long heapAfter = GC.GetTotalMemory(forceFullCollection: true);
            long rssAfter = Rss();
            heapPerKey = (heapAfter - heapBefore) / (double)settings.Keys;
            rssPerKey = (rssAfter - rssBefore) / (double)settings.Keys;
            activations = await silo.ActivationsAsync();
            output.WriteLine($"# model {modelId} ({labels} labels); {settings.Keys:N0} predictions cached ({activations:N0} activations in the silo, {keysPerSecond:N0} new keys/s)");
            output.WriteLine($"# {heapPerKey:F0} bytes/prediction of GC heap, {rssPerKey:F0} bytes/prediction of RSS");
        }
        GC.Collect();

        // 2. Redis bytes per stored prediction, as the cluster stores them (Storage:Provider=Redis): in the predictions'
        // own Redis without expiry (as deployed), then in a Redis shared with the member table, with a TTL.
        RedisEntryCost? redisCost = null, redisCostWithTtl = null;
        if (settings.Redis is not null)
        {
            redisCost = await MeasureRedisAsync(settings.Redis, withTtl: false);
            redisCostWithTtl = await MeasureRedisAsync(settings.Redis, withTtl: true);
        }

        async Task<RedisEntryCost> MeasureRedisAsync(string endpoint, bool withTtl)
        {
            var cost = await RedisEntryCost.MeasureAsync(endpoint, settings.RedisKeys, withTtl,
                configure => StartSiloAsync(settings, cancellation, configure),
                (silo, count) => silo.PredictAsync(withTtl ? "memory-redis-ttl" : "memory-redis", 0, count, cancellation));
            output.WriteLine($"# Redis, {(withTtl ? "shared with the member table, with a TTL" : "its own, no TTL (as deployed)")}: " +
                $"{cost.Keys:N0} predictions stored, {cost.UsedMemoryPerKey:F0} bytes each of used_memory, " +
                $"MEMORY USAGE median {cost.MedianMemoryUsage} bytes (key {cost.KeyBytes} bytes)");
            return cost;
        }
        output.WriteLine($"# load avg at end {MachineLoad.Read()}; {Stopwatch.GetElapsedTime(started).TotalSeconds:F0} s in all");

        if (settings.Json)
        {
            SummaryLine.Write(output, new
            {
                command = Name,
                model = settings.ModelPath,
                modelId,
                labels,
                keys = settings.Keys,
                heapBytesPerPrediction = SummaryLine.Round(heapPerKey, 1),
                rssBytesPerPrediction = SummaryLine.Round(rssPerKey, 1),
                keysPerSecond = SummaryLine.Round(keysPerSecond, 0),
                activations,
                redisKeys = redisCost?.Keys,
                redisBytesPerPrediction = redisCost is null ? (double?)null : SummaryLine.Round(redisCost.UsedMemoryPerKey, 1),
                redisMemoryUsageMedian = redisCost?.MedianMemoryUsage,
                redisKeyBytes = redisCost?.KeyBytes,
                redisBytesPerPredictionWithTtl = redisCostWithTtl is null ? (double?)null : SummaryLine.Round(redisCostWithTtl.UsedMemoryPerKey, 1),
                redisMemoryUsageMedianWithTtl = redisCostWithTtl?.MedianMemoryUsage,
            });
        }
        return 0;
    }

    /// <summary>
    /// A silo as the service wires it, with localhost clustering on a free port and no grain storage
    /// (<c>Storage:Provider=None</c>), that collects nothing: every activation it is given stays to be counted.
    /// </summary>
    private static async Task<MemorySilo> StartSiloAsync(Settings settings, CancellationToken cancellation, Action<IDictionary<string, string?>>? configure = null)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        const string collection = "Orleans:GrainCollection:";
        var values = new Dictionary<string, string?>
        {
            ["Model:Path"] = settings.ModelPath,
            ["Storage:Provider"] = "None",
            // A fixed number of calls in flight, for memory: none is refused for waiting.
            ["Inference:MaxQueueTime"] = "01:00:00",
            [collection + "CollectionAge"] = TimeSpan.FromDays(1).ToString(),
            [collection + "CollectionQuantum"] = TimeSpan.FromHours(1).ToString(),
            [collection + "EnableActivationSheddingOnMemoryPressure"] = "false",
        };
        configure?.Invoke(values);
        builder.Configuration.AddInMemoryCollection(values);
        var configuration = builder.Configuration;
        builder.UseOrleans(silo =>
        {
            silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: 0);
            silo.AddPredictionSilo(configuration);
        });
        var host = builder.Build();
        await host.StartAsync(cancellation);
        return new MemorySilo(host);
    }

    private static int FreePort()
    {
        using var probe = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        probe.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)probe.LocalEndPoint!).Port;
    }

    private static long Rss()
    {
        using var process = Process.GetCurrentProcess();
        return process.WorkingSet64;
    }

    private sealed record Settings(
        int Keys, string ModelPath, string? Redis, int RedisKeys, bool Json);

    /// <summary>The running silo and what the benchmark asks of it.</summary>
    internal sealed class MemorySilo(IHost host) : IAsyncDisposable
    {
        private readonly IGrainFactory _grains = host.Services.GetRequiredService<IGrainFactory>();
        private readonly SentimentModel _model = host.Services.GetRequiredService<SentimentModel>();

        public string ModelId => _model.ModelId;

        public int Labels => _model.LabelCount;

        /// <summary>Predicts the texts <c>{prefix} {from}</c> .. <c>{prefix} {from + count - 1}</c>: one new activation each.</summary>
        public async Task PredictAsync(string prefix, int from, int count, CancellationToken cancellation)
        {
            string modelId = ModelId;
            await Parallel.ForEachAsync(
                Enumerable.Range(from, count),
                new ParallelOptions { MaxDegreeOfParallelism = CallsInFlight, CancellationToken = cancellation },
                async (i, token) =>
                {
                    string text = $"{prefix} {i}";
                    var grain = _grains.GetGrain<IPredictionGrain>(PredictionGrainKey.Format(modelId, PredictionKey.Compute(modelId, text)));
                    var result = await grain.PredictAsync(text, AdmissionTicket.None, token);
                    if (result.Status != PredictionStatus.Ok)
                    {
                        throw new InvalidOperationException($"Prediction of '{text}' failed: {result.Status}.");
                    }
                });
        }

        /// <summary>Activations in the silo, every grain type (the runtime's own are a handful).</summary>
        public Task<int> ActivationsAsync() => _grains.GetGrain<IManagementGrain>(0).GetTotalActivationCount();

        public async ValueTask DisposeAsync()
        {
            await host.StopAsync(CancellationToken.None);
            host.Dispose();
        }
    }
}
