using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using Tests.EndToEnd;

namespace Tests.SlowClients;

/// <summary>
/// The server with Kestrel's limits set from configuration (<c>Kestrel:Limits</c>), shorter than the defaults so the
/// tests are quick and so that a limit not taken from configuration shows.
/// </summary>
public sealed class SlowClientServerFixture : ConfiguredServerFixture
{
    public static readonly TimeSpan HeadersTimeout = TimeSpan.FromSeconds(4);
    public static readonly TimeSpan BodyGracePeriod = TimeSpan.FromSeconds(8);

    protected override IEnumerable<string> Arguments() =>
    [
        $"--Kestrel:Limits:RequestHeadersTimeout={HeadersTimeout}",
        "--Kestrel:Limits:MinRequestBodyDataRate:BytesPerSecond=240",
        $"--Kestrel:Limits:MinRequestBodyDataRate:GracePeriod={BodyGracePeriod}",
    ];
}

/// <summary>Slow clients are cut off after the configured grace, and while hundreds trickle, others are served at once.</summary>
public sealed class SlowClientTests(SlowClientServerFixture fixture) : IClassFixture<SlowClientServerFixture>
{
    // Kestrel checks its timeouts once a second; a loaded CI machine adds its own delay.
    private static readonly TimeSpan Slack = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan OneBytePerSecond = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan ClientTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task Predict_BodyTricklingOneBytePerSecond_408AfterTheConfiguredGracePeriod()
    {
        var client = new TricklingClient();

        var outcome = await client.RunAsync(fixture.Server.Address, TricklingClient.PredictHead(100), TricklingClient.Ascii(new string(' ', 100)), OneBytePerSecond, ClientTimeout);

        AssertCutOff(outcome, SlowClientServerFixture.BodyGracePeriod);
        Assert.Equal(408, outcome.Response.Status);
    }

    [Fact]
    public async Task Request_HeadersTricklingOneBytePerSecond_CutOffAfterRequestHeadersTimeout()
    {
        var client = new TricklingClient();

        var outcome = await client.RunAsync(fixture.Server.Address, TricklingClient.Ascii("POST /predict HTTP/1.1\r\nHost: localhost\r\n"),
            TricklingClient.Ascii("Content-Type: application/json\r\nX-Slow: " + new string('z', 100)), OneBytePerSecond, ClientTimeout);

        AssertCutOff(outcome, SlowClientServerFixture.HeadersTimeout);
    }

    [Fact]
    public async Task Predict_200ClientsTricklingBodies_AnOrdinaryRequestAnswersWithinOneSecond()
    {
        using var http = new HttpClient { BaseAddress = fixture.Server.Address, Timeout = ClientTimeout };
        using var warmUp = await http.PostAsJsonAsync("predict", new { text = new[] { "warm up" } });
        Assert.Equal(HttpStatusCode.OK, warmUp.StatusCode);

        var clients = Enumerable.Range(0, 200).Select(_ => new TricklingClient()).ToArray();
        var trickling = clients.Select(c => c.RunAsync(fixture.Server.Address, TricklingClient.PredictHead(1_000), TricklingClient.Ascii(new string(' ', 1_000)), OneBytePerSecond, ClientTimeout)).ToArray();
        await Task.WhenAll(clients.Select(c => c.Started)).WaitAsync(TimeSpan.FromSeconds(30));

        var latencies = new List<TimeSpan>();
        for (int i = 0; i < 5; i++)
        {
            long started = Stopwatch.GetTimestamp();
            using var response = await http.PostAsJsonAsync("predict", new { text = new[] { $"served while 200 clients trickle {i} {Guid.NewGuid()}" } });
            latencies.Add(Stopwatch.GetElapsedTime(started));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        // The measurement counts only if the slow clients were all still connected during it.
        int stillTrickling = trickling.Count(t => !t.IsCompleted);

        Assert.True(stillTrickling == trickling.Length, $"{trickling.Length - stillTrickling} slow clients ended before the measurement did");
        Assert.True(latencies.Max() < TimeSpan.FromSeconds(1), $"ordinary requests took {string.Join(", ", latencies.Select(l => $"{l.TotalMilliseconds:F0} ms"))}");
        foreach (var outcome in await Task.WhenAll(trickling))
        {
            AssertCutOff(outcome, SlowClientServerFixture.BodyGracePeriod);
        }
    }

    /// <summary>Answered 408 (or closed without an answer) in order, not before the limit and not long after it.</summary>
    private static void AssertCutOff(TricklingClient.Outcome outcome, TimeSpan limit)
    {
        Assert.True(outcome.Response.Failure is null or "no status line", $"{outcome.Response} after {outcome.After.TotalSeconds:F1} s");
        Assert.True(outcome.Response.Status is 408 or null, outcome.Response.ToString());
        Assert.InRange(outcome.After, limit - TimeSpan.FromSeconds(0.5), limit + Slack);
    }
}
