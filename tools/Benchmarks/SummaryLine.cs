using System.Text.Json;
using System.Text.Json.Serialization;

namespace Benchmarks;

/// <summary>
/// The machine-readable result: one line <c>SUMMARY {json}</c>, always the last line of the output, so scripts
/// can take it with <c>grep '^SUMMARY ' | cut -c9-</c>.
/// </summary>
internal static class SummaryLine
{
    public const string Prefix = "SUMMARY ";

    private static readonly JsonSerializerOptions Json = new()
    {
        PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
        Converters = { new JsonStringEnumConverter(JsonNamingPolicy.CamelCase) },
    };

    public static void Write<TSummary>(TextWriter output, TSummary summary) =>
        output.WriteLine(Prefix + JsonSerializer.Serialize(summary, Json));

    /// <summary>Rounds for reporting: timings vary in the second or third digit, more digits are noise.</summary>
    public static double Round(double value, int decimals = 3) => Math.Round(value, decimals, MidpointRounding.AwayFromZero);
}
