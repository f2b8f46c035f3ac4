using System.ComponentModel.DataAnnotations;
using PredictionCluster.ServiceDefaults.Security;

namespace PredictionCluster.ServiceDefaults.Operators;

/// <summary>
/// <c>Dashboard:OperatorKey</c> (env <c>Dashboard__OperatorKey</c>): the secret that opens the operator dashboard to a
/// request that does not come from loopback. Unset: only loopback gets in.
/// </summary>
public sealed class OperatorKeyOptions
{
    public const string SectionName = "Dashboard";

    /// <summary>Shorter keys are refused at startup: the key is the only thing between the internet and the cluster's internals.</summary>
    public const int MinimumLength = SecretDigest.MinimumLength;

    [MinLength(MinimumLength)]
    public string? OperatorKey { get; set; }
}
