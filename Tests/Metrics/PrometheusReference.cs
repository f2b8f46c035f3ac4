using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using Tests.Infrastructure;

namespace Tests.Metrics;

/// <summary>
/// Prometheus' own parser (Debian <c>python3-prometheus-client</c>, run by <c>prometheus_parse.py</c>): what it reads
/// from a /metrics body is what a Prometheus server would. A body it cannot parse fails the test with its message.
/// </summary>
public static class PrometheusReference
{
    /// <param name="text">The body.</param>
    /// <param name="openMetrics">Parse it as OpenMetrics 1.0 rather than the text format 0.0.4.</param>
    public static async Task<IReadOnlyList<ParsedFamily>> ParseAsync(string text, bool openMetrics = false)
    {
        string script = Path.Combine(RepositoryPaths.Root, "Tests", "Metrics", "prometheus_parse.py");
        var start = new ProcessStartInfo("/usr/bin/python3", openMetrics ? [script, "openmetrics"] : [script])
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardOutputEncoding = Encoding.UTF8,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start /usr/bin/python3.");
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.StandardInput.WriteAsync(text);
        process.StandardInput.Close();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromSeconds(30));
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"prometheus_client could not parse the text: {await error}\n--- text ---\n{text}");
        }
        using var json = JsonDocument.Parse(await output);
        return json.RootElement.EnumerateArray().Select(family => new ParsedFamily(
            family.GetProperty("name").GetString()!,
            family.GetProperty("type").GetString()!,
            family.GetProperty("help").GetString()!,
            family.GetProperty("samples").EnumerateArray().Select(sample => new ParsedSample(
                sample.GetProperty("name").GetString()!,
                sample.GetProperty("labels").EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetString()!),
                ParseValue(sample.GetProperty("value").GetString()!))).ToList())).ToList();
    }

    private static double ParseValue(string value) => value switch
    {
        "+Inf" => double.PositiveInfinity,
        "-Inf" => double.NegativeInfinity,
        "NaN" => double.NaN,
        _ => double.Parse(value, CultureInfo.InvariantCulture),
    };
}
