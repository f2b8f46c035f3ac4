using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Tests.Infrastructure;

namespace Tests.Dashboard;

/// <summary>
/// Who gets Orleans' dashboard, over real HTTP, on the API (cluster mode) and on a silo's HTTP port: loopback always;
/// from beyond loopback only with the operator key, as a Basic password or a Bearer token; the page and its data alike.
/// </summary>
[Collection(LocalClusterCollection.Name)]
public sealed class OperatorAccessTests(OperatorAccessFixture fixture) : IClassFixture<OperatorAccessFixture>
{
    /// <summary>The page, its script, and one of the data endpoints the script polls.</summary>
    private static readonly string[] DashboardPaths = ["dashboard/", "dashboard/index.min.js", "dashboard/DashboardCounters"];

    private IEnumerable<(string Name, Uri Address)> LoopbackTargets =>
        [("api", fixture.Cluster.ApiAddress), ("silo", fixture.Cluster.Silos[0].HttpAddress)];

    private IEnumerable<(string Name, Uri Address)> BeyondLoopbackTargets =>
        [("api", fixture.ApiBeyondLoopback!), ("silo", fixture.SiloBeyondLoopback!)];

    [Fact]
    public async Task Loopback_gets_the_page_and_its_data_without_a_key()
    {
        foreach (var (name, address) in LoopbackTargets)
        {
            using var client = OperatorAccessFixture.ClientOf(address);
            using var page = await client.GetAsync("dashboard/");
            Assert.True(page.StatusCode == HttpStatusCode.OK, $"{name}: {page.StatusCode}");
            Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
            Assert.Contains("Orleans Dashboard", await page.Content.ReadAsStringAsync());

            // The data the page shows: this cluster's one silo, active (sampled every second: maybe not in the first answer).
            await WaitUntil.TrueAsync(async () =>
            {
                using var counters = JsonDocument.Parse(await client.GetStringAsync("dashboard/DashboardCounters"));
                return counters.RootElement.GetProperty("hosts").EnumerateArray().ToArray() is [var host]
                    && (host.GetProperty("siloName").GetString(), host.GetProperty("status").GetString()) == ("silo-1", "Active");
            }, TimeSpan.FromSeconds(30), $"{name}'s dashboard to show silo-1 active");
        }
    }

    [NonLoopbackFact]
    public async Task Beyond_loopback_without_a_key_the_page_and_its_data_get_401_with_a_Basic_challenge()
    {
        foreach (var (name, address) in BeyondLoopbackTargets)
        {
            using var client = OperatorAccessFixture.ClientOf(address);
            foreach (string path in DashboardPaths)
            {
                using var answer = await client.GetAsync(path);
                Assert.True(answer.StatusCode == HttpStatusCode.Unauthorized, $"{name} {path}: {answer.StatusCode}");
                var challenge = Assert.Single(answer.Headers.WwwAuthenticate);
                Assert.Equal(("Basic", "realm=\"dashboard\""), (challenge.Scheme, challenge.Parameter));
            }
        }
    }

    [NonLoopbackFact]
    public async Task Beyond_loopback_a_wrong_key_gets_401()
    {
        AuthenticationHeaderValue[] wrong =
        [
            Basic("operator", OperatorAccessFixture.Key + "x"),
            Basic(OperatorAccessFixture.Key, "not the key"), // the key as user name is no key: it is the password
            new("Bearer", OperatorAccessFixture.Key[..^1]),
            new("Bearer", OperatorAccessFixture.Key.ToUpperInvariant()),
            new("Basic", OperatorAccessFixture.Key), // not Base64 of user:password
        ];
        foreach (var (name, address) in BeyondLoopbackTargets)
        {
            using var client = OperatorAccessFixture.ClientOf(address);
            foreach (string path in DashboardPaths)
            {
                foreach (var credentials in wrong)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = credentials } };
                    using var answer = await client.SendAsync(request);
                    Assert.True(answer.StatusCode == HttpStatusCode.Unauthorized, $"{name} {path} with {credentials}: {answer.StatusCode}");
                }
            }
        }
    }

    [NonLoopbackFact]
    public async Task Beyond_loopback_the_key_as_Basic_password_or_Bearer_token_opens_the_page_and_its_data()
    {
        AuthenticationHeaderValue[] right =
        [
            Basic("operator", OperatorAccessFixture.Key),
            Basic("", OperatorAccessFixture.Key),
            new("Bearer", OperatorAccessFixture.Key),
        ];
        foreach (var (name, address) in BeyondLoopbackTargets)
        {
            using var client = OperatorAccessFixture.ClientOf(address);
            foreach (string path in DashboardPaths)
            {
                foreach (var credentials in right)
                {
                    using var request = new HttpRequestMessage(HttpMethod.Get, path) { Headers = { Authorization = credentials } };
                    using var answer = await client.SendAsync(request);
                    Assert.True(answer.StatusCode == HttpStatusCode.OK, $"{name} {path} with {credentials.Scheme}: {answer.StatusCode}");
                }
            }
        }
    }

    [NonLoopbackFact]
    public async Task Beyond_loopback_predict_and_health_need_no_operator_key()
    {
        using var api = OperatorAccessFixture.ClientOf(fixture.ApiBeyondLoopback!);
        using var answer = await api.PostAsJsonAsync("predict", new { text = new[] { nameof(Beyond_loopback_predict_and_health_need_no_operator_key) } });
        Assert.Equal(HttpStatusCode.OK, answer.StatusCode);
        foreach (var (name, address) in BeyondLoopbackTargets)
        {
            using var client = OperatorAccessFixture.ClientOf(address);
            using var ready = await client.GetAsync("health/ready");
            Assert.True(ready.StatusCode == HttpStatusCode.OK, $"{name}: {ready.StatusCode}");
        }
    }

    [Fact]
    public async Task The_dashboard_is_left_out_of_the_OpenAPI_document()
    {
        string openApi = await fixture.Cluster.Client.GetStringAsync("openapi/v1.json");
        Assert.Contains("/predict", openApi);
        Assert.DoesNotContain("/dashboard", openApi, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("DashboardCounters", openApi, StringComparison.Ordinal);
    }

    private static AuthenticationHeaderValue Basic(string user, string password) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{user}:{password}")));
}
