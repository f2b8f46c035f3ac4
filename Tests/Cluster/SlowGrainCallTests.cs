using PredictionCluster.Grains.Interfaces;
using PredictionCluster.Inference;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Tests.Api;
using Tests.Infrastructure;

namespace Tests.Cluster;

/// <summary>
/// A call that takes longer than <c>Routing:AttemptTimeout</c> because its silo's engine is busy is not a silo away:
/// the API's probe finds the grain computing, and the call is neither repeated nor logged (a repeat is only for an
/// unreachable silo: <see cref="Chaos.PartialFailureTests"/>). Each answered text is counted once.
/// </summary>
public sealed class SlowGrainCallTests
{
    [Fact]
    public async Task CallMuchLongerThanTheAttemptTimeout_OnABusySilo_NotRepeated_CountedOnce_LogsNothingAboveDebug()
    {
        using var logs = new CapturedLogs();
        await using var cluster = await PredictionTestCluster.StartAsync(silos: 1, routing: new Dictionary<string, string?>
        {
            ["Routing:AttemptTimeout"] = "00:00:00.100",
            ["Routing:ProbeTimeout"] = "00:00:05",
        }, apiLogs: logs);
        await cluster.StartRouterAsync();
        int logsBefore = logs.Entries.Count;
        var engine = cluster.ServicesOf(cluster.Cluster.Silos[0]).GetRequiredService<InferenceEngine>();
        long inferredBefore = cluster.Inferences();
        using var gate = new WorkerGate(engine);

        var call = cluster.Router.PredictAsync(["held by a busy engine " + Guid.NewGuid()], CancellationToken.None).AsTask();
        await gate.Entered.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(TimeSpan.FromSeconds(1.5)); // fifteen attempt timeouts
        Assert.False(call.IsCompleted);
        gate.Open();
        var (_, results) = await call.WaitAsync(TimeSpan.FromSeconds(30));

        var result = Assert.Single(results);
        Assert.Equal(PredictionStatus.Ok, result.Status);
        Assert.Equal(PredictionSource.Inference, result.Source);
        Assert.Equal(1, cluster.Inferences() - inferredBefore);
        Assert.Equal(1, cluster.Answered.Count(PredictionSource.Inference));
        Assert.Equal(0, cluster.Answered.Count(PredictionSource.Memory));
        // Nothing at Information or above of the API's own, no retry of Polly's (the API shows Polly from Warning on:
        // its "pipeline executed" line at Information is not shown in production).
        var logged = logs.Entries.Skip(logsBefore).Where(e => e.Level >= LogLevel.Information && !e.Category.StartsWith("Orleans", StringComparison.Ordinal)).ToArray();
        Assert.DoesNotContain(logged, e => e.Category.StartsWith("PredictionCluster.Api", StringComparison.Ordinal) || e.Level >= LogLevel.Warning);
        Assert.DoesNotContain(logged, e => e.Message.Contains("OnRetry", StringComparison.Ordinal));
    }
}
