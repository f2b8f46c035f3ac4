using System.CommandLine;
using System.Globalization;
using Client;

// client [smoke] [--url URL] [--wait 30]     checks a running server, prints PASS/FAIL, exit code 0 on success
// client eval --data FILE.tsv [--url URL]    accuracy of the served model on a labelled TSV
// $PREDICT_API_KEY, when set, is sent as "Authorization: Bearer" (an environment variable, not an option: command
// lines are visible to every user of the machine).
// Bad command lines: the errors and the command's help on stderr, exit code 2.
var url = new Option<string>("--url")
{
    Description = "the server's base address ($PREDICT_URL when set)",
    HelpName = "url",
    Recursive = true,
    DefaultValueFactory = _ => Environment.GetEnvironmentVariable("PREDICT_URL") ?? "http://127.0.0.1:8000",
    CustomParser = result =>
    {
        string value = result.Tokens.Count == 0 ? "" : result.Tokens[0].Value;
        if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
        {
            result.AddError($"--url '{value}' is not an absolute http:// or https:// address");
        }
        return value;
    },
};
var wait = new Option<double>("--wait")
{
    Description = "seconds to wait for /health/ready",
    HelpName = "s",
    DefaultValueFactory = _ => 30,
    CustomParser = result =>
    {
        string value = result.Tokens.Count == 0 ? "30" : result.Tokens[0].Value;
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double seconds) || !double.IsFinite(seconds) || seconds < 0)
        {
            result.AddError($"--wait '{value}' must be a number of seconds >= 0");
        }
        return seconds;
    },
};
var data = new Option<string>("--data") { Description = "labelled TSV: sentence, label (1 = positive), a header line", HelpName = "file", Required = true };

var smoke = new Command("smoke", "check a running server as a user would: PASS/FAIL lines, exit code 0 on success (the default command)") { wait };
var eval = new Command("eval", "accuracy of the served model on a labelled TSV") { data };
var root = new RootCommand("Checks and evaluates a running prediction server.") { url, smoke, eval };
// No command word means smoke, as before: the root takes smoke's options and runs it.
root.Options.Add(wait);

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };

HttpClient Http(ParseResult parse)
{
    var http = new HttpClient { BaseAddress = new Uri(parse.GetRequiredValue(url).TrimEnd('/') + "/"), Timeout = TimeSpan.FromSeconds(60) };
    if (Environment.GetEnvironmentVariable("PREDICT_API_KEY") is { Length: > 0 } key)
    {
        http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", key);
    }
    return http;
}

async Task<int> Smoke(ParseResult parse, CancellationToken token)
{
    using var http = Http(parse);
    return await SmokeCheck.RunAsync(http, TimeSpan.FromSeconds(parse.GetValue(wait)), token);
}

root.SetAction(Smoke);
smoke.SetAction(Smoke);
eval.SetAction(async (parse, token) =>
{
    using var http = Http(parse);
    return await AccuracyEvaluation.RunAsync(http, parse.GetRequiredValue(data), token);
});

var parsed = root.Parse(args);
if (parsed.Errors.Count > 0)
{
    foreach (var error in parsed.Errors)
    {
        Console.Error.WriteLine($"error: {error.Message}");
    }
    Console.Error.WriteLine();
    string[] help = parsed.CommandResult.Command == root ? ["--help"] : [parsed.CommandResult.Command.Name, "--help"];
    root.Parse(help).Invoke(new InvocationConfiguration { Output = Console.Error });
    return 2;
}
return await parsed.InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, cancel.Token);
