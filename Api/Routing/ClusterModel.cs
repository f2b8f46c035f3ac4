using Grains.Interfaces;
using Grains.Membership;

namespace Api.Routing;

/// <summary>
/// The model the cluster serves, learnt from a live silo (the API loads no model in cluster mode).
/// Fetched at start and again whenever a silo says the API keyed texts for another model (a rollout).
/// </summary>
public sealed partial class ClusterModel(MembershipView membership, SiloClient silos, ILogger<ClusterModel> logger) : BackgroundService
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
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
        foreach (var member in membership.Current.Members)
        {
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            timeout.CancelAfter(FetchTimeout);
            try
            {
                var model = await silos.GetModelAsync(member.Endpoint, timeout.Token);
                _current = model;
                LogLearnt(model.ModelId, string.Join(", ", model.Labels), member.SiloId);
                return;
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                LogFetchFailed(e, member.SiloId, member.Endpoint);
            }
        }
    }

    public override void Dispose()
    {
        _wakeUp.Dispose();
        base.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Cluster model {ModelId} (labels {Labels}) learnt from silo {SiloId}")]
    private partial void LogLearnt(string modelId, string labels, string siloId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Model {ModelId} is no longer what the silos serve; fetching the new descriptor")]
    private partial void LogInvalidated(string modelId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not fetch the model descriptor from silo {SiloId} at {Endpoint}")]
    private partial void LogFetchFailed(Exception exception, string siloId, Uri endpoint);
}
