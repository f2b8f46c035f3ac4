using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tests.Security;

/// <summary>Requests to /predict as the security tests send them, and what they check of the answers.</summary>
public static class Predict
{
    public static HttpRequestMessage Request(string? bearer = null, string? apiKey = null, string? forwardedFor = null)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "predict") { Content = JsonContent.Create(new { text = new[] { "a fine day" } }) };
        if (bearer is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", $"Bearer {bearer}");
        }
        if (apiKey is not null)
        {
            request.Headers.Add("X-Api-Key", apiKey);
        }
        if (forwardedFor is not null)
        {
            request.Headers.Add("X-Forwarded-For", forwardedFor);
        }
        return request;
    }

    /// <summary>
    /// <paramref name="count"/> requests at once; the statuses, and how long they took. With a bucket of B tokens
    /// refilled at R/s, at most B + R x (seconds taken + 1) can succeed.
    /// </summary>
    public static async Task<(HttpResponseMessage[] Responses, TimeSpan Took)> BurstAsync(HttpClient client, int count, Func<HttpRequestMessage> request)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var responses = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => client.SendAsync(request())));
        return (responses, watch.Elapsed);
    }

    public static async Task AssertTooManyRequestsAsync(HttpResponseMessage response)
    {
        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        var retryAfter = response.Headers.RetryAfter?.Delta;
        Assert.True(retryAfter is { TotalSeconds: >= 1 and <= 60 }, $"Retry-After: {response.Headers.RetryAfter}");
        var problem = await response.Content.ReadFromJsonAsync<JsonElement>();
        Assert.Equal(429, problem.GetProperty("status").GetInt32());
    }

    /// <summary>
    /// Requests let through in a burst (answered <paramref name="passed"/>: 200, or 401 for wrong keys) cannot exceed the
    /// bucket plus what refilled meanwhile; the rest are 429.
    /// </summary>
    public static async Task AssertLimitedAsync(HttpResponseMessage[] responses, TimeSpan took, int burst, int permitsPerSecond,
        HttpStatusCode passed = HttpStatusCode.OK)
    {
        int ok = responses.Count(r => r.StatusCode == passed);
        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToArray();
        string statuses = string.Join(", ", responses.Select(r => (int)r.StatusCode));
        Assert.True(ok + limited.Length == responses.Length, $"only {(int)passed} and 429 expected: {statuses}");
        Assert.True(ok >= Math.Min(burst, responses.Length), $"the burst of {burst} should pass: {statuses}");
        Assert.True(ok <= burst + permitsPerSecond * ((int)Math.Ceiling(took.TotalSeconds) + 1), $"{ok} passed in {took.TotalSeconds:F1} s: {statuses}");
        Assert.NotEmpty(limited);
        foreach (var response in limited)
        {
            await AssertTooManyRequestsAsync(response);
        }
    }
}
