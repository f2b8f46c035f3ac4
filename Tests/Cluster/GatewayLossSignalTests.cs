using Microsoft.Extensions.Logging.Abstractions;
using Orleans;
using PredictionCluster.Api.Routing;

namespace Tests.Cluster;

/// <summary>When the API's calls in flight are told to go again: only when its client has fewer gateways than before.</summary>
public sealed class GatewayLossSignalTests
{
    [Fact]
    public void FewerGateways_CompleteTheWaitingCalls_AndLaterCallsWaitForTheNextLoss()
    {
        var signal = new GatewayLossSignal(NullLogger<GatewayLossSignal>.Instance);
        var before = signal.Next;

        signal.OnGatewayCountChanged(null, new GatewayCountChangedEventArgs(1, 2));

        Assert.True(before.IsCompleted);
        Assert.False(signal.Next.IsCompleted);
    }

    [Theory]
    [InlineData(2, 1)] // a silo joined
    [InlineData(2, 2)]
    [InlineData(1, 0)] // the first gateway found
    public void SameOrMoreGateways_LeaveCallsAlone(int now, int before)
    {
        var signal = new GatewayLossSignal(NullLogger<GatewayLossSignal>.Instance);
        var next = signal.Next;

        signal.OnGatewayCountChanged(null, new GatewayCountChangedEventArgs(now, before));

        Assert.False(next.IsCompleted);
    }
}
