using Api.Routing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Polly.Registry;
using Polly.Timeout;
using Tests.Infrastructure;

namespace Tests.Api;

/// <summary>
/// What the grain-call pipeline logs, through the real Polly telemetry: an attempt that timed out and was repeated is
/// a Warning (a saturated host is not an error when the request succeeds), the retries are not warnings, and a
/// request that runs out of its deadline is an Error.
/// </summary>
public sealed class GrainCallPipelineLoggingTests
{
    [Fact]
    public async Task AttemptTimesOutThenSucceeds_LoggedAsAWarning_NothingAtError()
    {
        using var logs = new CapturedLogs();
        await using var services = Build(logs, attemptTimeout: "00:00:00.100", deadline: "00:00:10");
        var pipeline = services.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(GrainCallPipeline.Name);
        int attempts = 0;

        int answer = await pipeline.ExecuteAsync(async token =>
        {
            if (Interlocked.Increment(ref attempts) == 1)
            {
                await Task.Delay(TimeSpan.FromSeconds(30), token); // hangs like a call to a dead silo
            }
            return 42;
        }, CancellationToken.None);

        Assert.Equal(42, answer);
        Assert.Equal(2, attempts);
        var polly = logs.Entries.Where(e => e.Category.StartsWith("Polly", StringComparison.Ordinal)).ToArray();
        Assert.Contains(polly, e => e.Level == LogLevel.Warning && e.Message.Contains("OnTimeout", StringComparison.Ordinal));
        Assert.DoesNotContain(polly, e => e.Level >= LogLevel.Warning && e.Message.Contains("OnRetry", StringComparison.Ordinal));
        Assert.Empty(logs.AtLeast(LogLevel.Error));
    }

    [Fact]
    public async Task EveryAttemptTimesOutUntilTheDeadline_TheDeadlineIsLoggedAsAnError()
    {
        using var logs = new CapturedLogs();
        await using var services = Build(logs, attemptTimeout: "00:00:00.100", deadline: "00:00:00.400");
        var pipeline = services.GetRequiredService<ResiliencePipelineProvider<string>>().GetPipeline(GrainCallPipeline.Name);

        await Assert.ThrowsAsync<TimeoutRejectedException>(async () => await pipeline.ExecuteAsync(async token =>
        {
            await Task.Delay(TimeSpan.FromSeconds(30), token);
            return 0;
        }, CancellationToken.None));

        Assert.Contains(logs.AtLeast(LogLevel.Error), e => e.Category.StartsWith("Polly", StringComparison.Ordinal) && e.Message.Contains("OnTimeout", StringComparison.Ordinal));
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

    private static ServiceProvider Build(CapturedLogs logs, string attemptTimeout, string deadline)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Routing:AttemptTimeout"] = attemptTimeout,
            ["Routing:Deadline"] = deadline,
            ["Routing:RetryDelay"] = "00:00:00.010",
        }).Build();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.ClearProviders().AddProvider(logs).SetMinimumLevel(LogLevel.Information));
        services.AddGrainCallPipeline(configuration);
        return services.BuildServiceProvider();
    }
}
