using PredictionCluster.Grains.Hosting;
using PredictionCluster.Grains.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using Tests.Api;

namespace Tests.Storage;

/// <summary>
/// The predictions' storage tier as a silo wires it (<see cref="StorageTierExtensions.AddPredictionStorageTier"/>), over
/// a <see cref="ControlledGrainStorage"/> instead of Redis, without a silo: the writer, the breaker and the probe with
/// their real timing.
/// </summary>
public sealed class StorageTier : IAsyncDisposable
{
    private readonly ServiceProvider _services;

    public StorageTier(Action<StorageOptions>? configure = null)
    {
        _services = new ServiceCollection()
            .AddLogging(logging => logging.AddProvider(Logs))
            .AddMetrics()
            .AddSingleton(TimeProvider.System)
            .AddSingleton<StorageHealth>()
            .AddKeyedSingleton<IGrainStorage>(PredictionStorage.Name, Storage)
            .Configure<StorageOptions>(options =>
            {
                options.Provider = StorageProvider.Redis;
                configure?.Invoke(options);
            })
            .AddPredictionStorageTier()
            .BuildServiceProvider();
    }

    public ControlledGrainStorage Storage { get; } = new();

    public CapturedLogs Logs { get; } = new();

    internal PredictionStorageWriter Writer => _services.GetRequiredService<PredictionStorageWriter>();

    internal PredictionStore Store => _services.GetRequiredService<PredictionStore>();

    internal GuardedGrainStorage Guarded => _services.GetRequiredService<GuardedGrainStorage>();

    internal StorageProbe Probe => _services.GetRequiredService<StorageProbe>();

    public StorageCircuit Circuit => _services.GetRequiredService<StorageCircuit>();

    public StorageMetrics Metrics => _services.GetRequiredService<StorageMetrics>();

    public StorageHealth Health => _services.GetRequiredService<StorageHealth>();

    public StorageHealthCheck HealthCheck => new(Health, Circuit);

    /// <summary>Log lines of <typeparamref name="T"/>'s category at <paramref name="level"/>.</summary>
    public IReadOnlyList<string> LogsOf<T>(LogLevel level) =>
        Logs.Entries.Where(e => e.Category == typeof(T).FullName && e.Level == level).Select(e => e.Message).ToArray();

    public async ValueTask DisposeAsync()
    {
        Storage.Answer(); // nothing left hanging behind the test
        await _services.DisposeAsync();
    }
}
