using System.Net;
using System.Net.Http.Json;
using System.Text.Json;

namespace Tests.Cluster;

/// <summary>Calls <c>POST /predict</c> the way a user does and reads the scores.</summary>
internal static class ClusterClient
{
    public static async Task<float[][]> PredictAsync(HttpClient client, IReadOnlyList<string> texts)
    {
        using var response = await client.PostAsJsonAsync("predict", new { text = texts });
        string body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        using var json = JsonDocument.Parse(body);
        return json.RootElement.GetProperty("predictions").EnumerateArray()
            .Select(labels => labels.EnumerateArray().Select(l => l.GetProperty("score").GetSingle()).ToArray())
            .ToArray();
    }

    /// <summary>Distinct SST-2 sentences, a realistic mix of lengths, tagged so no other test shares their keys.</summary>
    public static string[] Texts(int count, string tag) =>
        Tests.Infrastructure.Sst2.DevSentences.Distinct().Take(count).Select(s => $"{s} [{tag}]").ToArray();
}
