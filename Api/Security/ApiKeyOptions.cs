namespace PredictionCluster.Api.Security;

/// <summary>
/// API keys for <c>POST /predict</c> (section <c>ApiKeys</c>). With none, no key is asked for (embedded mode's default).
/// Keys may be listed (<c>ApiKeys:Keys:0</c>, <c>ApiKeys__Keys__0</c>) or kept in a file (a mounted Kubernetes Secret),
/// or both; the file is read at start, so new keys take a restart (the chart rolls its pods when its keys change).
/// </summary>
public sealed class ApiKeyOptions
{
    public const string SectionName = "ApiKeys";

    /// <summary>Accepted keys, each at least <see cref="ApiKeySet.MinKeyLength"/> characters with no whitespace.</summary>
    public List<string> Keys { get; set; } = [];

    /// <summary>A file of keys, one a line (blank lines and lines starting with '#' skipped). Named but missing or empty stops the start.</summary>
    public string? File { get; set; }
}
