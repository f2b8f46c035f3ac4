using Grains.Interfaces;
using Grains.Membership;

namespace Api.Routing;

/// <summary>
/// Cluster mode: groups items by owning silo (rendezvous hashing over the live members), sends one call
/// per silo in parallel over HTTP/2, and puts the answers back in item order. A call that fails in
/// transport moves its items, once, to their next silo in rendezvous order; predictions are pure
/// functions of the text, so repeating one elsewhere is safe.
/// </summary>
public sealed partial class ClusterPredictionRouter(
    MembershipView membership,
    ClusterModel model,
    SiloCallCoalescer silos,
    RoutingMetrics metrics,
    ILogger<ClusterPredictionRouter> logger) : IPredictionRouter
{
    public ModelDescriptor Model => model.Current
        ?? throw new ClusterUnavailableException("No silo has told the API yet which model the cluster serves.");

    public async ValueTask<PredictionResult[]> PredictAsync(IReadOnlyList<PredictionItem> items, CancellationToken cancellationToken)
    {
        var descriptor = Model;
        var members = membership.Current.Members;
        if (members.Count == 0)
        {
            throw new ClusterUnavailableException("No live silo in the cluster.");
        }
        var results = new PredictionResult[items.Count];
        var all = new int[items.Count];
        for (int i = 0; i < all.Length; i++)
        {
            all[i] = i;
        }
        await SendToOwnersAsync(new Call(descriptor, items, members, results, cancellationToken), all, failed: null).ConfigureAwait(false);
        return results;
    }

    /// <summary>Sends the items at <paramref name="indices"/> to their owners; <paramref name="failed"/> is the silo a retry avoids.</summary>
    private Task SendToOwnersAsync(Call call, IReadOnlyList<int> indices, ClusterMember? failed)
    {
        var groups = new List<int>?[call.Members.Count];
        foreach (int index in indices)
        {
            int owner = RendezvousHashing.Owner(call.Items[index].Key, call.Members, failed);
            if (owner < 0)
            {
                throw new ClusterUnavailableException($"Silo {failed?.SiloId} failed and no other silo is live.");
            }
            (groups[owner] ??= []).Add(index);
        }

        Task? single = null;
        List<Task>? many = null;
        for (int m = 0; m < groups.Length; m++)
        {
            if (groups[m] is not { } group)
            {
                continue;
            }
            var task = CallSiloAsync(call, call.Members[m], group, mayRetry: failed is null);
            if (single is null)
            {
                single = task;
            }
            else
            {
                (many ??= [single]).Add(task);
            }
        }
        return many is not null ? Task.WhenAll(many) : single ?? Task.CompletedTask;
    }

    private async Task CallSiloAsync(Call call, ClusterMember silo, List<int> indices, bool mayRetry)
    {
        var batch = new PredictionItem[indices.Count];
        for (int i = 0; i < batch.Length; i++)
        {
            batch[i] = call.Items[indices[i]];
        }
        try
        {
            var answers = await silos.PredictAsync(silo.Endpoint, call.Model.ModelId, batch, call.CancellationToken).ConfigureAwait(false);
            for (int i = 0; i < answers.Length; i++)
            {
                call.Results[indices[i]] = answers[i];
            }
        }
        catch (SiloModelMismatchException e)
        {
            model.Invalidate(call.Model);
            throw new ClusterUnavailableException("The cluster's model changed while this request was routed; retry it.", e);
        }
        catch (SiloCallException e) when (e.Retryable && !call.CancellationToken.IsCancellationRequested)
        {
            membership.RequestRefresh();
            if (!mayRetry)
            {
                throw new ClusterUnavailableException($"Silo {silo.SiloId} failed as the fallback owner: {e.Message}", e);
            }
            metrics.RecordFailover();
            LogRetrying(e.Message, silo.SiloId, indices.Count);
            await SendToOwnersAsync(call, indices, silo).ConfigureAwait(false);
        }
    }

    /// <summary>What every hop of one request shares.</summary>
    private sealed record Call(
        ModelDescriptor Model,
        IReadOnlyList<PredictionItem> Items,
        IReadOnlyList<ClusterMember> Members,
        PredictionResult[] Results,
        CancellationToken CancellationToken);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Call to silo {SiloId} failed ({Reason}); moving its {Count} key(s) to the next silo")]
    private partial void LogRetrying(string reason, string siloId, int count);
}
