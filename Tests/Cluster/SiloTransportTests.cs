using System.Diagnostics;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text.Json;
using Api.Routing;
using Grains.Hosting;
using Grains.Interfaces;
using Grains.Interfaces.Wire;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Silo.Internal;
using Tests.Infrastructure;
using Tests.Wire;

namespace Tests.Cluster;

/// <summary>The API→silo call end to end: <see cref="SiloClient"/> against a real silo's internal API over h2c.</summary>
public sealed class SiloTransportTests(InternalApiSiloHost host) : IClassFixture<InternalApiSiloHost>, IDisposable
{
    // Generous: the machine running the tests may be slow and busy; no test waits for it to pass.
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(60);

    private readonly SiloClient _client = NewClient();

    public void Dispose() => _client.Dispose();

    [Fact]
    public async Task PredictAsync_Sentences_SameResultsAsTheSiloInProcess_BitForBit()
    {
        var items = Items([.. Sst2.DevSentences.Skip(700).Take(40).Select(Unique), Unique("I love you."), Unique("I hate you.")]);

        var remote = await _client.PredictAsync(host.Address, ModelId, items, CancellationToken.None);
        var local = await host.Silo.PredictAsync(items, CancellationToken.None);

        Assert.Equal(items.Length, remote.Length);
        for (int i = 0; i < items.Length; i++)
        {
            Assert.Equal(PredictionStatus.Ok, remote[i].Status);
            Assert.Equal(PredictionSource.Inference, remote[i].Source);
            Assert.Equal(WireMessages.Bits(local[i].Scores!), WireMessages.Bits(remote[i].Scores!));
        }
        Assert.True(remote[^2].Scores![1] > 0.5f, "'I love you.' is POSITIVE: results are in item order");
        Assert.True(remote[^1].Scores![0] > 0.5f, "'I hate you.' is NEGATIVE: results are in item order");
    }

    [Fact]
    public async Task PredictAsync_ReversedOrder_ResultsFollowTheItems()
    {
        var items = Items([.. Sst2.DevSentences.Skip(800).Take(20).Select(Unique)]);
        var forward = await _client.PredictAsync(host.Address, ModelId, items, CancellationToken.None);

        var backward = await _client.PredictAsync(host.Address, ModelId, items.Reverse().ToArray(), CancellationToken.None);

        WireMessages.AssertSame(forward.Select(r => r with { Source = PredictionSource.Memory }).Reverse().ToArray(), backward);
    }

    [Fact]
    public async Task PredictAsync_NoItems_NoResults()
    {
        var results = await _client.PredictAsync(host.Address, ModelId, [], CancellationToken.None);

        Assert.Empty(results);
    }

    [Fact]
    public async Task PredictAsync_BodyLargerThanAnHttp2FlowControlWindow_Answered()
    {
        // ~1 MB, more than Kestrel's initial stream window (768 KiB): the silo must keep reading as it buffers.
        var items = Items([.. Enumerable.Range(0, 100).Select(i => LongText(Sst2.DevSentences[i], 10_000))]);

        var results = await _client.PredictAsync(host.Address, ModelId, items, CancellationToken.None);

        Assert.Equal(items.Length, results.Length);
        Assert.All(results, r => Assert.Equal(PredictionStatus.Ok, r.Status));
    }

    [Fact]
    public async Task PredictAsync_ConcurrentCalls_EachGetsItsOwnResults()
    {
        var batches = Enumerable.Range(0, 16)
            .Select(b => Items([.. Sst2.DevSentences.Skip(b * 5).Take(5).Select(Unique)]))
            .ToArray();

        var answers = await Task.WhenAll(batches.Select(items => _client.PredictAsync(host.Address, ModelId, items, CancellationToken.None)));

        for (int b = 0; b < batches.Length; b++)
        {
            var local = await host.Silo.PredictAsync(batches[b], CancellationToken.None);
            WireMessages.AssertSame(local.Select(r => r with { Source = PredictionSource.Inference }).ToArray(), answers[b]);
        }
    }

    [Fact]
    public async Task GetModelAsync_EqualsTheSilosDescriptor()
    {
        var model = await _client.GetModelAsync(host.Address, CancellationToken.None);

        var expected = host.Silo.Model;
        Assert.Equal(expected.ModelId, model.ModelId);
        Assert.Equal(expected.Labels, model.Labels);
        Assert.Equal(expected.MaxTokens, model.MaxTokens);
    }

    [Fact]
    public async Task Predict_WithoutClusterKey_401ProblemBeforeTheBodyIsLookedAt()
    {
        using var http = RawH2c();
        using var request = RawRequest(HttpMethod.Post, PredictionWire.PredictPath, WireContent([1, 2, 3]));

        using var response = await http.SendAsync(request);

        // Garbage would be a 400: the 401 shows that nothing but the key check ran.
        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
        Assert.Equal(HttpVersion.Version20, response.Version);
    }

    [Theory]
    [InlineData("wrong")]
    [InlineData(InternalApiSiloHost.ClusterKey + "x")]
    [InlineData("transport-tests-cluster-keY")]
    [InlineData("")]
    public async Task Predict_WithWrongClusterKey_401Problem(string key)
    {
        using var http = RawH2c();
        using var request = RawRequest(HttpMethod.Post, PredictionWire.PredictPath, WireContent(WireMessages.Request(Items("a text"), ModelId)));
        request.Headers.TryAddWithoutValidation(PredictionWire.ClusterKeyHeader, key);

        using var response = await http.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task Predict_WithTwoClusterKeyValues_401Problem()
    {
        using var http = RawH2c();
        using var request = RawRequest(HttpMethod.Post, PredictionWire.PredictPath, WireContent(WireMessages.Request(Items("a text"), ModelId)));
        request.Headers.TryAddWithoutValidation(PredictionWire.ClusterKeyHeader, [InternalApiSiloHost.ClusterKey, InternalApiSiloHost.ClusterKey]);

        using var response = await http.SendAsync(request);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task GetModel_WithoutClusterKey_401Problem()
    {
        using var http = RawH2c();

        using var response = await http.GetAsync(PredictionWire.ModelPath);

        await AssertProblemAsync(response, HttpStatusCode.Unauthorized);
    }

    [Fact]
    public async Task SiloClient_WithWrongClusterKey_NotRetryable401()
    {
        using var client = NewClient(key: "not-the-cluster-key");

        var predict = await Assert.ThrowsAsync<SiloCallException>(() => client.PredictAsync(host.Address, ModelId, Items("a text"), CancellationToken.None));
        var model = await Assert.ThrowsAsync<SiloCallException>(() => client.GetModelAsync(host.Address, CancellationToken.None));

        foreach (var e in new[] { predict, model })
        {
            Assert.False(e.Retryable);
            Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
            Assert.Contains(host.Address.ToString(), e.Message);
            Assert.Contains("cluster key", e.Message);
        }
    }

    [Fact]
    public async Task SiloClient_WrongKeyWithALargeBatch_401WhileTheBodyIsStillGoing_ThenCallsWork()
    {
        // The 401 comes back before the silo reads a byte of ~4 MB: the pooled body must survive the early answer.
        using var client = NewClient(key: "not-the-cluster-key");
        var items = Items([.. Enumerable.Range(0, 400).Select(i => LongText(Sst2.DevSentences[i], 10_000))]);

        var e = await Assert.ThrowsAsync<SiloCallException>(() => client.PredictAsync(host.Address, ModelId, items, CancellationToken.None));
        var results = await _client.PredictAsync(host.Address, ModelId, items[..3], CancellationToken.None);

        Assert.Equal(HttpStatusCode.Unauthorized, e.StatusCode);
        Assert.Equal(3, results.Length);
    }

    [Theory]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("non-ascii-ключ")]
    public async Task Silo_ClusterKeyMissingOrUnusable_RefusesToStart(string key)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Cluster:Key"] = key });
        builder.Services.AddInternalApi(builder.Configuration);
        await using var app = builder.Build();
        app.MapInternalApi();

        var e = await Assert.ThrowsAsync<OptionsValidationException>(() => app.StartAsync());

        Assert.Contains("Cluster:Key", e.Message);
    }

    [Fact]
    public void SiloClient_ClusterKeyMissing_OptionsInvalid()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?> { ["Routing:CallTimeout"] = "00:00:05" }).Build();
        using var services = new ServiceCollection().AddLogging().AddSiloClient(configuration).BuildServiceProvider();

        var e = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<SiloClient>());

        Assert.Contains("Cluster:Key", e.Message);
    }

    [Fact]
    public async Task PredictAsync_TextsKeyedForAnotherModel_ModelMismatchNotRetryable()
    {
        const string otherModel = "ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff";
        var items = new[] { new PredictionItem(PredictionKey.Compute(otherModel, "a text"), "a text") };

        var e = await Assert.ThrowsAsync<SiloModelMismatchException>(() => _client.PredictAsync(host.Address, otherModel, items, CancellationToken.None));

        Assert.False(e.Retryable);
        Assert.Equal(HttpStatusCode.Conflict, e.StatusCode);
        Assert.Contains(ModelId, e.Message);
    }

    [Fact]
    public async Task Predict_GarbageBody_400Problem()
    {
        using var response = await PostAsync(WireContent("this is not a batch"u8.ToArray()));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("Malformed", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Predict_TruncatedBatch_400Problem()
    {
        byte[] batch = WireMessages.Request(Items("one", "two"), ModelId);

        using var response = await PostAsync(WireContent(batch[..^1]));

        await AssertProblemAsync(response, HttpStatusCode.BadRequest);
    }

    [Fact]
    public async Task Predict_DuplicateKeys_400ProblemNamingTheItem()
    {
        var item = Items(Unique("asked twice"))[0];

        using var response = await PostAsync(WireContent(WireMessages.Request([Items("first")[0], item, item], ModelId)));

        var problem = await AssertProblemAsync(response, HttpStatusCode.BadRequest);
        Assert.Contains("Item 2", problem.GetProperty("detail").GetString());
    }

    [Fact]
    public async Task Predict_NotTheWireContentType_415Problem()
    {
        var content = new ByteArrayContent(WireMessages.Request(Items("a text"), ModelId));
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json");

        using var response = await PostAsync(content);

        await AssertProblemAsync(response, HttpStatusCode.UnsupportedMediaType);
    }

    [Fact]
    public async Task Predict_DeclaredBodyOverTheLimit_413Problem()
    {
        using var response = await PostAsync(WireContent(new byte[PredictionWire.MaxRequestBytes + 1]));

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge);
    }

    [Fact]
    public async Task Predict_StreamedBodyOverTheLimit_413()
    {
        // A gzip stream is not seekable, so the body goes without a Content-Length: the limit applies as it streams.
        var compressed = new MemoryStream();
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true))
        {
            gzip.Write(new byte[PredictionWire.MaxRequestBytes + 1024]);
        }
        compressed.Position = 0;
        var content = new StreamContent(new GZipStream(compressed, CompressionMode.Decompress));
        content.Headers.ContentType = new MediaTypeHeaderValue(PredictionWire.ContentType);

        using var response = await PostAsync(content);

        // Kestrel cuts the body off at the limit and answers 413 itself (no problem body): what SiloClient never
        // meets, as it always sends a Content-Length and checks the limit before sending.
        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    [Fact]
    public async Task PredictAsync_BatchOverTheSilosLimit_RefusedBeforeSending()
    {
        string text = new('a', PredictionWire.MaxRequestBytes / 2 + 1);
        var items = new[] { new PredictionItem(PredictionKey.Compute(ModelId, text + "1"), text + "1"), new PredictionItem(PredictionKey.Compute(ModelId, text + "2"), text + "2") };

        var e = await Assert.ThrowsAsync<SiloCallException>(() => _client.PredictAsync(host.Address, ModelId, items, CancellationToken.None));

        Assert.False(e.Retryable);
        Assert.Null(e.StatusCode);
        Assert.Contains("split", e.Message);
    }

    [Fact]
    public async Task Calls_NothingListening_RetryableWithinThreeSeconds()
    {
        var nobody = new Uri($"http://127.0.0.1:{FreePort.Reserve()}/");
        using var client = NewClient();
        var clock = Stopwatch.StartNew();

        var predict = await Assert.ThrowsAsync<SiloCallException>(() => client.PredictAsync(nobody, ModelId, Items("a text"), CancellationToken.None));
        var model = await Assert.ThrowsAsync<SiloCallException>(() => client.GetModelAsync(nobody, CancellationToken.None));

        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        foreach (var e in new[] { predict, model })
        {
            Assert.True(e.Retryable, e.Message);
            Assert.Null(e.StatusCode);
            Assert.Contains(nobody.ToString(), e.Message);
        }
    }

    [Fact]
    public async Task PredictAsync_PeerThatNeverAnswers_RetryableOnceTheCallTimeoutElapses()
    {
        using var silent = SilentPeer(out var address);
        using var client = NewClient(callTimeout: TimeSpan.FromMilliseconds(500));
        var clock = Stopwatch.StartNew();

        var e = await Assert.ThrowsAsync<SiloCallException>(() => client.PredictAsync(address, ModelId, Items("a text"), CancellationToken.None));

        Assert.True(e.Retryable, e.Message);
        Assert.Contains("no answer within 0.5 s", e.Message);
        Assert.True(clock.Elapsed >= TimeSpan.FromMilliseconds(400), $"gave up after {clock.Elapsed}");
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(20), $"took {clock.Elapsed}");
        Assert.Contains(address.ToString(), e.Message);
    }

    [Fact]
    public async Task PredictAsync_CallerCancels_OperationCanceledNotWrapped()
    {
        using var silent = SilentPeer(out var address);
        using var caller = new CancellationTokenSource(TimeSpan.FromMilliseconds(300));

        var e = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _client.PredictAsync(address, ModelId, Items("a text"), caller.Token));

        Assert.Equal(caller.Token, e.CancellationToken);
    }

    [Fact]
    public async Task PredictAsync_SiloStopsMidStream_InFlightCallsFinishOrAreRetryable_LaterCallsRetryable()
    {
        var silo = new InternalApiSiloHost();
        await silo.InitializeAsync();
        try
        {
            string modelId = silo.Silo.Model.ModelId;
            PredictionItem[] Batch(int b) => [.. Sst2.DevSentences.Skip(b * 10).Take(10).Select(t => Unique(t)).Select(t => new PredictionItem(PredictionKey.Compute(modelId, t), t))];
            Assert.Equal(10, (await _client.PredictAsync(silo.Address, modelId, Batch(0), CancellationToken.None)).Length);

            var inFlight = Enumerable.Range(1, 8).Select(b => CallAsync(silo.Address, modelId, Batch(b))).ToArray();
            await silo.StopAsync();
            var outcomes = await Task.WhenAll(inFlight);
            var after = await CallAsync(silo.Address, modelId, Batch(9));

            Assert.All(outcomes, outcome => Assert.True(outcome is null || outcome.Retryable, outcome?.Message));
            Assert.NotNull(after);
            Assert.True(after.Retryable, after.Message);
        }
        finally
        {
            await silo.DisposeAsync();
        }
    }

    [Theory]
    [InlineData(503, "problem", true)]
    [InlineData(500, "problem", false)]
    [InlineData(400, "problem", false)]
    [InlineData(413, "problem", false)]
    [InlineData(200, "one result", false)]
    [InlineData(200, "garbage", false)]
    [InlineData(200, "json", false)]
    public async Task PredictAsync_SiloAnswer_RetryableOnlyWhenItSaysSo(int status, string body, bool retryable)
    {
        await using var fake = await FakeSiloAsync(async context =>
        {
            context.Response.StatusCode = status;
            switch (body)
            {
                case "problem":
                    context.Response.ContentType = "application/problem+json";
                    await context.Response.WriteAsync("""{"title":"Some title","status":0,"detail":"what the silo said"}""");
                    break;
                case "one result":
                    context.Response.ContentType = PredictionWire.ContentType;
                    await context.Response.Body.WriteAsync(WireMessages.Response(PredictionResult.Overloaded));
                    break;
                case "garbage":
                    context.Response.ContentType = PredictionWire.ContentType;
                    await context.Response.WriteAsync("garbage");
                    break;
                default:
                    context.Response.ContentType = "application/json";
                    await context.Response.WriteAsync("{}");
                    break;
            }
        });
        var address = FakeAddress(fake);

        var e = await Assert.ThrowsAsync<SiloCallException>(() => _client.PredictAsync(address, ModelId, Items("one", "two"), CancellationToken.None));

        Assert.Equal(retryable, e.Retryable);
        Assert.IsNotType<SiloModelMismatchException>(e);
        Assert.Contains(address.ToString(), e.Message);
        if (status != 200)
        {
            Assert.Equal((HttpStatusCode)status, e.StatusCode);
            Assert.Contains("what the silo said", e.Message);
        }
    }

    private string ModelId => host.Silo.Model.ModelId;

    private PredictionItem[] Items(params string[] texts) => [.. texts.Select(t => new PredictionItem(PredictionKey.Compute(ModelId, t), t))];

    /// <summary>Texts never asked before, so the silo computes them (not answered from an earlier test's cache).</summary>
    private static string Unique(string text) => $"{text} {Guid.NewGuid():N}";

    /// <summary>A unique text of exactly <paramref name="length"/> chars: <paramref name="sentence"/> repeated.</summary>
    private static string LongText(string sentence, int length) =>
        $"{Guid.NewGuid():N} {string.Join(' ', Enumerable.Repeat(sentence, length / (sentence.Length + 1) + 1))}"[..length];

    private static SiloClient NewClient(string key = InternalApiSiloHost.ClusterKey, TimeSpan? callTimeout = null) => new(
        Options.Create(new SiloClientOptions { CallTimeout = callTimeout ?? CallTimeout }),
        Options.Create(new ClusterOptions { Key = key }),
        NullLogger<SiloClient>.Instance);

    /// <summary>A request for <see cref="RawH2c"/>: HTTP/2 from the first byte (an explicit message does not take the client's default version).</summary>
    private static HttpRequestMessage RawRequest(HttpMethod method, string path, HttpContent? content = null) => new(method, path)
    {
        Version = HttpVersion.Version20,
        VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Content = content,
    };

    /// <summary>An HTTP/2-only client with prior knowledge, sending nothing it is not told to (no cluster key).</summary>
    private HttpClient RawH2c() => new(new SocketsHttpHandler { UseProxy = false })
    {
        BaseAddress = host.Address,
        DefaultRequestVersion = HttpVersion.Version20,
        DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        Timeout = CallTimeout,
    };

    private async Task<HttpResponseMessage> PostAsync(HttpContent content)
    {
        using var http = RawH2c();
        using var request = RawRequest(HttpMethod.Post, PredictionWire.PredictPath, content);
        request.Headers.TryAddWithoutValidation(PredictionWire.ClusterKeyHeader, InternalApiSiloHost.ClusterKey);
        return await http.SendAsync(request);
    }

    private static ByteArrayContent WireContent(byte[] body)
    {
        var content = new ByteArrayContent(body);
        content.Headers.ContentType = new MediaTypeHeaderValue(PredictionWire.ContentType);
        return content;
    }

    private static async Task<JsonElement> AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status)
    {
        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var problem = document.RootElement.Clone();
        Assert.Equal((int)status, problem.GetProperty("status").GetInt32());
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("title").GetString()));
        return problem;
    }

    /// <summary>null when the call succeeded with one result per item, else its failure.</summary>
    private async Task<SiloCallException?> CallAsync(Uri silo, string modelId, PredictionItem[] items)
    {
        try
        {
            var results = await _client.PredictAsync(silo, modelId, items, CancellationToken.None);
            Assert.Equal(items.Length, results.Length);
            return null;
        }
        catch (SiloCallException e)
        {
            return e;
        }
    }


    /// <summary>A peer that accepts connections (the kernel does, from the backlog) and never says a word.</summary>
    private static TcpListener SilentPeer(out Uri address)
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        address = new Uri($"http://127.0.0.1:{((IPEndPoint)listener.LocalEndpoint).Port}/");
        return listener;
    }

    /// <summary>An h2c server answering every request with <paramref name="handler"/>: a silo that misbehaves on purpose.</summary>
    private static async Task<WebApplication> FakeSiloAsync(RequestDelegate handler)
    {
        var builder = WebApplication.CreateEmptyBuilder(new WebApplicationOptions());
        builder.WebHost.UseKestrelCore().ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http2));
        var app = builder.Build();
        app.Run(handler);
        await app.StartAsync();
        return app;
    }

    private static Uri FakeAddress(WebApplication app) =>
        new(app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single().TrimEnd('/') + "/");
}
