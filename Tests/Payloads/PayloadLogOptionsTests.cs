using PredictionCluster.Api.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Options;
using Tests.Infrastructure;

namespace Tests.Payloads;

/// <summary>The <c>PayloadLog</c> section is validated at startup: a bad value stops the host with a message naming it.</summary>
public sealed class PayloadLogOptionsTests
{
    [Theory]
    [InlineData("PayloadLog:SampleRate", "1.5")]
    [InlineData("PayloadLog:SampleRate", "-0.1")]
    [InlineData("PayloadLog:MaxRecordsPerSecond", "0")]
    public async Task An_out_of_range_value_stops_the_host_naming_it(string key, string value)
    {
        var settings = new Dictionary<string, string?>
        {
            ["Model:Path"] = RepositoryPaths.DefaultModel,
            ["Urls"] = "http://127.0.0.1:0",
            ["PayloadLog:SampleRate"] = "0.5",
            [key] = value,
        };
        WebApplication? app = null;
        try
        {
            var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
            {
                app = ApiHost.Build([], settings);
                await app.StartAsync();
            });
            Assert.Contains(key.Split(':')[1], failure.Message);
        }
        finally
        {
            if (app is not null)
            {
                await app.DisposeAsync();
            }
        }
    }
}
