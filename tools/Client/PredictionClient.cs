using System.Net.Http.Json;

namespace Client;

/// <summary>Calls a running prediction service.</summary>
internal sealed class PredictionClient(HttpClient http)
{
    public async Task<List<List<LabelScore>>> PredictAsync(IReadOnlyList<string> texts, CancellationToken cancellationToken)
    {
        using var response = await http.PostAsJsonAsync("predict", new PredictBody(texts), ClientJson.Default.PredictBody, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new HttpRequestException($"POST /predict answered {(int)response.StatusCode}: {body}");
        }
        var answer = await response.Content.ReadFromJsonAsync(ClientJson.Default.PredictAnswer, cancellationToken)
            ?? throw new HttpRequestException("POST /predict answered an empty body.");
        return answer.Predictions;
    }

    public static string TopLabel(List<LabelScore> scores) => scores.MaxBy(s => s.Score)!.Label;
}
