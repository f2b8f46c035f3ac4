using System.Net;
using System.Net.Http.Json;
using PredictionCluster.Api.Routing;
using Microsoft.Extensions.DependencyInjection;
using Tests.Infrastructure;

namespace Tests.Api;

public sealed class EmbeddedStartupTests
{
    /// <summary>
    /// The silo is in the process, so there is no reason for a window after start in which requests get 503 and
    /// readiness says no: the model is learnt before Kestrel listens.
    /// </summary>
    [Fact]
    public async Task Embedded_KnowsItsModel_IsReadyAndServes_FromTheMomentItStarted()
    {
        await using var factory = new EmbeddedApiFactory();
        var client = factory.CreateClient();

        Assert.NotNull(factory.Services.GetRequiredService<ClusterModel>().Current);
        using var ready = await client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);
        using var predicted = await client.PostAsJsonAsync("/predict", new { text = new[] { $"served at once {Guid.NewGuid()}" } });
        Assert.Equal(HttpStatusCode.OK, predicted.StatusCode);
    }
}
