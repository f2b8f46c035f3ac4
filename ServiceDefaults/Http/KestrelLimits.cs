using Microsoft.Extensions.Configuration;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace PredictionCluster.ServiceDefaults.Http;

/// <summary>
/// Kestrel's limits from ASP.NET Core's own section <c>Kestrel:Limits</c> (the names of
/// <see cref="KestrelServerLimits"/>), so that no option of ours stands between an operator and Kestrel's documentation.
/// The host does not bind that section by itself (only <c>Kestrel:Endpoints</c> and certificates), and the binder
/// cannot fill the minimum data rates (immutable <see cref="MinDataRate"/>): both are done here.
/// </summary>
public static class KestrelLimits
{
    public const string SectionName = "Kestrel:Limits";

    public static void Apply(IConfiguration configuration, KestrelServerLimits limits)
    {
        var section = configuration.GetSection(SectionName);
        section.Bind(limits);
        limits.MinRequestBodyDataRate = DataRate(section.GetSection(nameof(KestrelServerLimits.MinRequestBodyDataRate)), limits.MinRequestBodyDataRate);
        limits.MinResponseDataRate = DataRate(section.GetSection(nameof(KestrelServerLimits.MinResponseDataRate)), limits.MinResponseDataRate);
    }

    /// <summary>
    /// <c>BytesPerSecond</c> and <c>GracePeriod</c>, each defaulting to the current rate's. MinDataRate itself refuses a
    /// grace period of one second or less (Kestrel checks rates once a second): that stops the host at start, with
    /// the key named.
    /// </summary>
    private static MinDataRate? DataRate(IConfigurationSection section, MinDataRate? current)
    {
        if (!section.Exists())
        {
            return current;
        }
        double bytesPerSecond = section.GetValue(nameof(MinDataRate.BytesPerSecond), current?.BytesPerSecond ?? 240);
        var gracePeriod = section.GetValue(nameof(MinDataRate.GracePeriod), current?.GracePeriod ?? TimeSpan.FromSeconds(5));
        try
        {
            return new MinDataRate(bytesPerSecond, gracePeriod);
        }
        catch (ArgumentOutOfRangeException e)
        {
            throw new OptionsValidationException(section.Path, typeof(MinDataRate), [$"{section.Path}: {e.Message}"]);
        }
    }
}
