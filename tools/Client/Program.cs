using Client;

// client [smoke] [--url URL]            checks a running server, prints PASS/FAIL, exit code 0 on success
// client eval --data FILE.tsv [--url URL]  accuracy of the served model on a labelled TSV
string command = args.Length > 0 && !args[0].StartsWith("--", StringComparison.Ordinal) ? args[0] : "smoke";
string url = Option("--url") ?? Environment.GetEnvironmentVariable("PREDICT_URL") ?? "http://127.0.0.1:8000";
using var http = new HttpClient { BaseAddress = new Uri(url.TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

switch (command)
{
    case "smoke":
        return await SmokeCheck.RunAsync(http, TimeSpan.FromSeconds(double.Parse(Option("--wait") ?? "30")), cancel.Token);
    case "eval":
        string? data = Option("--data");
        if (data is null)
        {
            Console.Error.WriteLine("usage: client eval --data FILE.tsv [--url URL]");
            return 2;
        }
        return await AccuracyEvaluation.RunAsync(http, data, cancel.Token);
    default:
        Console.Error.WriteLine($"unknown command '{command}'; use smoke or eval");
        return 2;
}

string? Option(string name)
{
    int i = Array.IndexOf(args, name);
    return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
}
