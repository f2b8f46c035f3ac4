namespace PredictionCluster.Api.Security;

/// <summary>Names of the API key scheme, its policy and its header.</summary>
public static class ApiKeyAuthentication
{
    /// <summary>The authentication scheme; other schemes (the dashboard's operators) live beside it.</summary>
    public const string SchemeName = "ApiKey";

    /// <summary>The authorization policy <c>/predict</c> requires when keys are configured: an API key, and nothing else.</summary>
    public const string PolicyName = "ApiKey";

    /// <summary>The header for clients that cannot send <c>Authorization: Bearer</c>.</summary>
    public const string HeaderName = "X-Api-Key";
}
