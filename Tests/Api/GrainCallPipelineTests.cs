using System.Diagnostics;
using PredictionCluster.Api.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly.Registry;
using Tests.Infrastructure;

namespace Tests.Api;

/// <summary>
/// The retries around grain calls, through the real Polly pipeline and telemetry: a call that failed because its silo
/// was unreachable is repeated without a warning (failover is expected, and the request succeeds), and repeats stop
/// once the budget (<c>Routing:Deadline</c>, from the first failure) is spent. Nothing times an attempt out: a slow
/// call that its silo is still computing is left alone (<see cref="Cluster.SlowGrainCallTests"/>).
/// </summary>
public sealed class GrainCallPipelineTests
{
    [Fact]
    public async Task UnreachableThenAnswered_Repeated_NothingLoggedAtWarning()
    {
        using var logs = new CapturedLogs();
        await using var services = Build(logs, deadline: "00:00:10");
        var pipeline = services.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(GrainCallPipeline.Name);
        int attempts = 0;

        int answer = await pipeline.ExecuteAsync(token => Interlocked.Increment(ref attempts) == 1
            ? throw new SiloUnreachableException("no answer to a probe")
            : ValueTask.FromResult(42), CancellationToken.None);

        Assert.Equal(42, answer);
        Assert.Equal(2, attempts);
        Assert.Empty(logs.AtLeast(LogLevel.Warning));
    }

    [Fact]
    public async Task UnreachableUntilTheBudgetIsSpent_TheLastFailureIsThrown()
    {
        using var logs = new CapturedLogs();
        await using var services = Build(logs, deadline: "00:00:00.400");
        var pipeline = services.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(GrainCallPipeline.Name);
        int attempts = 0;
        var clock = Stopwatch.StartNew();

        await Assert.ThrowsAsync<SiloUnreachableException>(async () => await pipeline.ExecuteAsync<int>(token =>
        {
            Interlocked.Increment(ref attempts);
            throw new SiloUnreachableException("no answer to a probe");
        }, CancellationToken.None));

        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(400), $"gave up after {clock.Elapsed}, before the budget");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"gave up after {clock.Elapsed}");
        Assert.True(attempts > 1, $"{attempts} attempt(s)");
    }

    [Fact]
    public async Task AFailureARepeatCannotCure_IsNotRepeated()
    {
        using var logs = new CapturedLogs();
        await using var services = Build(logs, deadline: "00:00:10");
        var pipeline = services.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(GrainCallPipeline.Name);
        int attempts = 0;

        await Assert.ThrowsAsync<InvalidOperationException>(async () => await pipeline.ExecuteAsync<int>(token =>
        {
            Interlocked.Increment(ref attempts);
            throw new InvalidOperationException("a bug, not a silo away");
        }, CancellationToken.None));

        Assert.Equal(1, attempts);
    }

    [Fact]
    public void ApiConfiguration_LetsPollyWarningsThrough()
    {
        // The severity mapping is only worth something if the API's own log filter shows Polly's warnings.
        var configuration = new ConfigurationBuilder()
            .AddJsonFile(Path.Combine(RepositoryPaths.Root, "Api", "appsettings.json"), optional: false)
            .Build();

        Assert.Equal("Warning", configuration["Logging:LogLevel:Polly"]);
    }

    private static ServiceProvider Build(CapturedLogs logs, string deadline)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Routing:Deadline"] = deadline,
            ["Routing:RetryDelay"] = "00:00:00.010",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Information));
        services.AddGrainCallPipeline(configuration);
        return services.BuildServiceProvider();
    }
}
