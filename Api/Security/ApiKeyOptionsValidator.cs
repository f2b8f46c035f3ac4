using Microsoft.Extensions.Options;

namespace PredictionCluster.Api.Security;

/// <summary>Stops the start when the configured keys are unusable (a missing key file, a short key), naming the problem.</summary>
public sealed class ApiKeyOptionsValidator : IValidateOptions<ApiKeyOptions>
{
    public ValidateOptionsResult Validate(string? name, ApiKeyOptions options) =>
        ApiKeySet.Problems(options) is { Count: > 0 } problems ? ValidateOptionsResult.Fail(problems) : ValidateOptionsResult.Success;
}
