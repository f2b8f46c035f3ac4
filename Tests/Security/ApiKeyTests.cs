using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Tests.Infrastructure;

namespace Tests.Security;

/// <summary>API keys on a real server: /predict asks for one, as a bearer token or X-Api-Key; nothing else does.</summary>
[Collection(ApiKeyServerCollection.Name)]
public sealed class ApiKeyTests(ApiKeyServerFixture fixture)
{
    private HttpClient Client() => new() { BaseAddress = fixture.Server.Address, Timeout = TimeSpan.FromSeconds(30) };

    [Fact]
    public async Task Predict_NoKey_401ProblemWithBearerChallenge()
    {
        using var client = Client();

        using var response = await client.SendAsync(Predict.Request());

        await AssertUnauthorizedAsync(response, "Bearer", "API key required");
    }

    [Theory]
    [InlineData("bearer")]
    [InlineData("header")]
    public async Task Predict_WrongKey_401ProblemWithInvalidTokenChallenge(string how)
    {
        using var client = Client();
        // One character off a real key: only a full match counts.
        string wrong = ApiKeyServerFixture.ListedKeys[0][..^1] + "X";

        using var response = await client.SendAsync(how == "bearer" ? Predict.Request(bearer: wrong) : Predict.Request(apiKey: wrong));

        await AssertUnauthorizedAsync(response, "Bearer error=\"invalid_token\"", "Invalid API key");
    }

    [Fact]
    public async Task Predict_ListedKeyAsBearerToken_200()
    {
        using var client = Client();

        using var response = await client.SendAsync(Predict.Request(bearer: ApiKeyServerFixture.ListedKeys[0]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("predictions").GetArrayLength());
    }

    [Fact]
    public async Task Predict_KeyFromTheFileAsXApiKeyHeader_200()
    {
        using var client = Client();

        using var response = await client.SendAsync(Predict.Request(apiKey: ApiKeyServerFixture.FileKeys[0]));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Theory]
    [InlineData("health/live")]
    [InlineData("health/ready")]
    [InlineData("metrics")]
    [InlineData("openapi/v1.json")]
    public async Task OtherEndpoints_NoKey_Served(string path)
    {
        using var client = Client();

        using var response = await client.GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task Predict_Refused_CountedInRequestMetricsByRouteAndStatus()
    {
        using var client = Client();
        using var refused = await client.SendAsync(Predict.Request());
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);

        // ASP.NET Core records a request's duration once its response has gone, which may be after the client has it.
        await WaitUntil.TrueAsync(async () => (await client.GetStringAsync("metrics")).Split('\n').Any(line =>
                line.StartsWith("http_server_request_duration_seconds_count{", StringComparison.Ordinal)
                && line.Contains("http_route=\"/predict\"") && line.Contains("http_response_status_code=\"401\"")),
            TimeSpan.FromSeconds(30), "the refused request in the request metrics");
    }

    private static async Task AssertUnauthorizedAsync(HttpResponseMessage response, string challenge, string title)
    {
        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(challenge, Assert.Single(response.Headers.WwwAuthenticate).ToString());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(401, problem.GetProperty("status").GetInt32());
        Assert.Equal(title, problem.GetProperty("title").GetString());
        Assert.Contains("X-Api-Key", problem.GetProperty("detail").GetString());
    }
}
