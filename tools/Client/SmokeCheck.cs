using System.Net;
using System.Text;

namespace Client;

/// <summary>
/// The client.py of this project: asks a running server a few questions a user would and prints
/// PASS/FAIL per check. Exit code 0 only when every check passed.
/// </summary>
internal static class SmokeCheck
{
    public static async Task<int> RunAsync(HttpClient http, TimeSpan readyTimeout, CancellationToken cancellationToken)
    {
        int failed = 0;
        async Task Check(string name, Func<Task<string?>> check)
        {
            string? problem;
            try
            {
                problem = await check();
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or InvalidOperationException)
            {
                problem = e.Message;
            }
            Console.WriteLine(problem is null ? $"PASS {name}" : $"FAIL {name}: {problem}");
            failed += problem is null ? 0 : 1;
        }

        await Check("ready", async () => await WaitReadyAsync(http, readyTimeout, cancellationToken) ? null : $"/health/ready not healthy within {readyTimeout.TotalSeconds:F0} s");
        await Check("predict", async () =>
        {
            var client = new PredictionClient(http);
            var predictions = await client.PredictAsync(["I love you.", "I hate you."], cancellationToken);
            if (predictions.Count != 2)
            {
                return $"expected 2 predictions, got {predictions.Count}";
            }
            foreach (var scores in predictions)
            {
                float sum = scores.Sum(s => s.Score);
                if (scores.Count < 2 || Math.Abs(sum - 1) > 1e-3)
                {
                    return $"expected every label with scores summing to 1, got {scores.Count} labels summing to {sum}";
                }
            }
            string love = PredictionClient.TopLabel(predictions[0]), hate = PredictionClient.TopLabel(predictions[1]);
            Console.WriteLine($"     'I love you.' -> {love} {predictions[0].Max(s => s.Score):F4}; 'I hate you.' -> {hate} {predictions[1].Max(s => s.Score):F4}");
            return love == "POSITIVE" && hate == "NEGATIVE" ? null : $"expected POSITIVE / NEGATIVE, got {love} / {hate}";
        });
        await Check("bad input is a 400 problem", async () =>
        {
            using var content = new StringContent("{\"text\": []}", Encoding.UTF8, "application/json");
            using var response = await http.PostAsync("predict", content, cancellationToken);
            string type = response.Content.Headers.ContentType?.MediaType ?? "";
            return response.StatusCode == HttpStatusCode.BadRequest && type == "application/problem+json"
                ? null : $"got {(int)response.StatusCode} {type}";
        });

        Console.WriteLine(failed == 0 ? "smoke: PASS" : $"smoke: FAIL ({failed} check(s) failed)");
        return failed == 0 ? 0 : 1;
    }

    private static async Task<bool> WaitReadyAsync(HttpClient http, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                using var response = await http.GetAsync("health/ready", cancellationToken);
                if (response.IsSuccessStatusCode)
                {
                    return true;
                }
            }
            catch (HttpRequestException)
            {
                // not listening yet
            }
            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }
            await Task.Delay(250, cancellationToken);
        }
    }
}
