using System.Diagnostics;

namespace Client;

/// <summary>
/// Measures accuracy of the served model on a labelled TSV (header <c>sentence\tlabel</c>, 1 = positive),
/// through the real service: tokenizer, ONNX Runtime and the API's answer, exactly as users get it.
/// </summary>
internal static class AccuracyEvaluation
{
    private const int BatchSize = 64;

    public static async Task<int> RunAsync(HttpClient http, string dataPath, CancellationToken cancellationToken)
    {
        var rows = File.ReadLines(dataPath).Skip(1)
            .Select(line => line.Split('\t'))
            .Where(parts => parts.Length == 2)
            .Select(parts => (Text: parts[0], Positive: parts[1].Trim() == "1"))
            .ToList();
        var client = new PredictionClient(http);
        int correct = 0;
        var watch = Stopwatch.StartNew();
        foreach (var chunk in rows.Chunk(BatchSize))
        {
            var predictions = await client.PredictAsync(chunk.Select(r => r.Text).ToList(), cancellationToken);
            for (int i = 0; i < chunk.Length; i++)
            {
                bool positive = PredictionClient.TopLabel(predictions[i]) == "POSITIVE";
                correct += positive == chunk[i].Positive ? 1 : 0;
            }
        }
        Console.WriteLine($"{Path.GetFileName(dataPath)}: accuracy {100.0 * correct / rows.Count:F2}% ({correct}/{rows.Count}) in {watch.Elapsed.TotalSeconds:F1} s");
        return 0;
    }
}
