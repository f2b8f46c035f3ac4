using System.Diagnostics.Metrics;
using Api.Routing;
using Grains.Hosting;
using Grains.Interfaces;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Tests.Infrastructure;
using Tests.Wire;

namespace Tests.Cluster;

/// <summary>Concurrent requests' calls to one silo merged into fewer calls, against a real silo over h2c.</summary>
public sealed class SiloCallCoalescerTests(InternalApiSiloHost host) : IClassFixture<InternalApiSiloHost>, IDisposable
{
    private readonly SiloClient _client = new(
        Options.Create(new SiloClientOptions { CallTimeout = TimeSpan.FromSeconds(60) }),
        Options.Create(new ClusterOptions { Key = InternalApiSiloHost.ClusterKey }),
        NullLogger<SiloClient>.Instance);

    private readonly RoutingMetrics _metrics = new(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<IMeterFactory>());

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task Concurrent_requests_share_calls_and_each_gets_its_own_results_in_order()
    {
        var coalescer = Coalescer(maxInFlight: 1);
        string tag = Guid.NewGuid().ToString("N");
        // 40 requests of 1-3 texts; every request also asks for one shared hot text, so merged calls must dedupe it.
        var requests = Enumerable.Range(0, 40)
            .Select(r => Items([$"hot text {tag}", .. Sst2.DevSentences.Skip(r * 2).Take(1 + r % 2).Select(s => $"{s} {tag}")]))
            .ToArray();
        // Only texts answered before are merged (new ones go out at once): answer each request once first.
        foreach (var request in requests)
        {
            await coalescer.PredictAsync(host.Address, ModelId, request, CancellationToken.None);
        }
        long before = _metrics.CallCount;

        var answers = await Task.WhenAll(requests.Select(items => Task.Run(() => coalescer.PredictAsync(host.Address, ModelId, items, CancellationToken.None))));

        // Fewer calls than requests: while one call was in flight, the others waited and went out together.
        Assert.InRange(_metrics.CallCount - before, 2, requests.Length - 1);
        for (int r = 0; r < requests.Length; r++)
        {
            var alone = await host.Silo.PredictAsync(requests[r], CancellationToken.None);
            Assert.Equal(requests[r].Length, answers[r].Length);
            for (int i = 0; i < alone.Length; i++)
            {
                Assert.Equal(PredictionStatus.Ok, answers[r][i].Status);
                Assert.Equal(WireMessages.Bits(alone[i].Scores!), WireMessages.Bits(answers[r][i].Scores!));
            }
        }
    }

    [Fact]
    public async Task Requests_do_not_queue_behind_a_call_that_waits_for_the_model()
    {
        var coalescer = Coalescer(maxInFlight: 1);
        string tag = Guid.NewGuid().ToString("N");
        var cached = Items($"cached {tag}");
        await coalescer.PredictAsync(host.Address, ModelId, cached, CancellationToken.None);
        // 64 new sentences: the only call allowed in flight now waits for the model for a while.
        var busy = coalescer.PredictAsync(host.Address, ModelId, Items([.. Sst2.DevSentences.Skip(500).Take(64).Select(s => $"{s} {tag}")]), CancellationToken.None);

        // A new text is sent at once (it would hold up whatever it was merged with); a cached one waits at most
        // a couple of milliseconds for the busy call before it goes out on its own.
        var fresh = coalescer.PredictAsync(host.Address, ModelId, Items($"fresh {tag}"), CancellationToken.None);
        var hot = coalescer.PredictAsync(host.Address, ModelId, cached, CancellationToken.None);

        Assert.Same(hot, await Task.WhenAny(hot, busy));
        Assert.Equal(PredictionSource.Memory, (await hot)[0].Source);
        await Task.WhenAll(busy, fresh);
        Assert.Equal(PredictionStatus.Ok, (await fresh)[0].Status);
    }

    [Fact]
    public async Task Under_the_limit_each_request_is_its_own_call()
    {
        var coalescer = Coalescer(maxInFlight: 64);
        string tag = Guid.NewGuid().ToString("N");

        for (int r = 0; r < 5; r++)
        {
            await coalescer.PredictAsync(host.Address, ModelId, Items($"alone {r} {tag}"), CancellationToken.None);
        }

        Assert.Equal(5, _metrics.CallCount);
    }

    [Fact]
    public async Task A_failed_call_fails_every_request_it_carried_with_the_retryable_error()
    {
        var coalescer = Coalescer(maxInFlight: 1);
        var dead = new Uri($"http://127.0.0.1:{FreePort.Reserve()}/");
        string tag = Guid.NewGuid().ToString("N");

        var calls = Enumerable.Range(0, 10)
            .Select(r => Task.Run(() => coalescer.PredictAsync(dead, ModelId, Items($"nobody home {r} {tag}"), CancellationToken.None)))
            .ToArray();

        foreach (var call in calls)
        {
            var e = await Assert.ThrowsAsync<SiloCallException>(() => call);
            Assert.True(e.Retryable);
        }
        // The lane is free again afterwards: a call to the live silo goes through.
        var ok = await coalescer.PredictAsync(host.Address, ModelId, Items($"after {tag}"), CancellationToken.None);
        Assert.Equal(PredictionStatus.Ok, ok[0].Status);
    }

    [Fact]
    public async Task A_waiting_request_whose_caller_gives_up_is_cancelled_at_once()
    {
        var coalescer = Coalescer(maxInFlight: 1);
        string tag = Guid.NewGuid().ToString("N");
        // The first call runs the model on 64 new sentences, long enough for the second request to wait behind it.
        var busy = coalescer.PredictAsync(host.Address, ModelId, Items([.. Sst2.DevSentences.Skip(300).Take(64).Select(s => $"{s} {tag}")]), CancellationToken.None);
        using var cancel = new CancellationTokenSource();
        var waiting = coalescer.PredictAsync(host.Address, ModelId, Items($"waiting {tag}"), cancel.Token);

        cancel.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        await busy;
    }

    private SiloCallCoalescer Coalescer(int maxInFlight) =>
        new(_client, _metrics, Options.Create(new SiloClientOptions { MaxCallsInFlightPerSilo = maxInFlight }));

    private string ModelId => host.Silo.Model.ModelId;

    private PredictionItem[] Items(params string[] texts) =>
        [.. texts.Select(t => new PredictionItem(PredictionKey.Compute(ModelId, t), t))];
}
