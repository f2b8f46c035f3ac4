using System.Net.Http.Json;
using System.Text.Json;

namespace Tests.Model;

/// <summary>What the differential tests share: the service's scores, Hugging Face's truncation, the largest gap.</summary>
internal static class ServedScores
{
    /// <summary>The scores <c>POST /predict</c> answers for <paramref name="texts"/>, sent as one request.</summary>
    public static async Task<double[][]> OfAsync(HttpClient client, params string[] texts)
    {
        using var response = await client.PostAsJsonAsync("/predict", new { text = texts });
        response.EnsureSuccessStatusCode();
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("predictions").EnumerateArray()
            .Select(p => p.EnumerateArray().Select(s => s.GetProperty("score").GetDouble()).ToArray())
            .ToArray();
    }

    /// <summary>Hugging Face's truncation of one sequence: the first <paramref name="maxTokens"/> - 2 pieces between [CLS] and [SEP].</summary>
    public static long[] Truncate(long[] ids, int maxTokens) => ids.Length <= maxTokens ? ids : [.. ids[..(maxTokens - 1)], ids[^1]];

    /// <summary>The largest difference of any label's score between <paramref name="served"/> and <paramref name="reference"/>, and its text.</summary>
    public static (double Worst, string Text) LargestDifference(double[][] served, double[][] reference, string[] texts)
    {
        double worst = 0;
        string worstText = "";
        for (int i = 0; i < texts.Length; i++)
        {
            for (int label = 0; label < served[i].Length; label++)
            {
                double difference = Math.Abs(served[i][label] - reference[i][label]);
                if (difference > worst)
                {
                    (worst, worstText) = (difference, texts[i]);
                }
            }
        }
        return (worst, worstText);
    }
}
