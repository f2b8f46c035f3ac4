using PredictionCluster.Grains.Interfaces;

namespace PredictionCluster.Api.Routing;

/// <summary>
/// The model the cluster serves, learnt from a silo through <see cref="IModelGrain"/> (the API loads no model of its own).
/// Fetched at start and again whenever a silo says the API keyed texts for another model (a rollout).
/// </summary>
/// <param name="learnAtStart">
/// True when the silo runs in this process (embedded mode): it has started before this service, so the descriptor is
/// learnt before Kestrel listens and the API is ready, and serves, from its first request.
/// </param>
public sealed partial class ClusterModel(IGrainFactory grains, IHostApplicationLifetime lifetime, ILogger<ClusterModel> logger, bool learnAtStart = false)
    : BackgroundService
{
    private static readonly TimeSpan RetryInterval = TimeSpan.FromMilliseconds(250);
    private static readonly TimeSpan FetchTimeout = TimeSpan.FromSeconds(5);

    private readonly SemaphoreSlim _wakeUp = new(0, 1);
    private volatile ModelDescriptor? _current;

    /// <summary>The descriptor, or null until a silo has answered.</summary>
    public ModelDescriptor? Current => _current;

    /// <summary>Forgets <paramref name="stale"/> (if still current) and fetches the descriptor again.</summary>
    public void Invalidate(ModelDescriptor stale)
    {
        if (Interlocked.CompareExchange(ref _current, null, stale) == stale)
        {
            LogInvalidated(stale.ModelId);
            try
            {
                _wakeUp.Release();
            }
            catch (SemaphoreFullException)
            {
            }
        }
    }

    /// <summary>
    /// Waits (briefly) until a descriptor other than <paramref name="stale"/> is learnt; null when none comes.
    /// </summary>
    public async Task<ModelDescriptor?> WaitForNewAsync(ModelDescriptor stale, CancellationToken cancellationToken)
    {
        long deadline = Environment.TickCount64 + (long)FetchTimeout.TotalMilliseconds;
        while (true)
        {
            if (_current is { } current && !ReferenceEquals(current, stale) && current.ModelId != stale.ModelId)
            {
                return current;
            }
            if (Environment.TickCount64 > deadline)
            {
                return null;
            }
            await Task.Delay(RetryInterval / 5, cancellationToken);
        }
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        if (learnAtStart)
        {
            await FetchAsync(cancellationToken);
        }
        await base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // A cluster client's host has started once the client reached a gateway (ClusterConnectionRetryFilter keeps
        // it trying); asking a grain before that only fails, and would log so four times a second.
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using (lifetime.ApplicationStarted.Register(static state => ((TaskCompletionSource)state!).TrySetResult(), started))
        {
            try
            {
                await started.Task.WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (_current is null)
                {
                    await FetchAsync(stoppingToken);
                }
                await _wakeUp.WaitAsync(_current is null ? RetryInterval : Timeout.InfiniteTimeSpan, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task FetchAsync(CancellationToken stoppingToken)
    {
        try
        {
            var model = await grains.GetGrain<IModelGrain>(0).GetDescriptorAsync().AsTask().WaitAsync(FetchTimeout, stoppingToken);
            _current = model;
            // Whether drift figures will follow: a model without reference.json (or a silo too old to send it) has none.
            LogLearnt(model.ModelId, string.Join(", ", model.Labels), model.Reference is null ? "none" : $"{model.Reference.LabelCounts.Sum()} texts");
        }
        catch (Exception e) when (!stoppingToken.IsCancellationRequested)
        {
            LogFetchFailed(e);
        }
    }

    public override void Dispose()
    {
        _wakeUp.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster model {ModelId} (labels {Labels}, drift reference {DriftReference}) learnt from the silos")]
    private partial void LogLearnt(string modelId, string labels, string driftReference);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {ModelId} is no longer what the silos serve; fetching the new descriptor")]
    private partial void LogInvalidated(string modelId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not learn the model descriptor from the silos; retrying")]
    private partial void LogFetchFailed(Exception exception);
}
