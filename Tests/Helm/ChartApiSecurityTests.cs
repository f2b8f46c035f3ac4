using System.Text;
using PredictionCluster.Api.Security;
using Microsoft.Extensions.Configuration;
using YamlDotNet.RepresentationModel;

namespace Tests.Helm;

/// <summary>The API pods' keys, rate limit and trusted proxies as the chart renders them, read back as the API reads them.</summary>
public sealed class ChartApiSecurityTests
{
    private const string KeyA = "chart-key-a-0123456789abcdef";
    private const string KeyB = "chart-key-b-0123456789abcdef";

    [Fact]
    public void Defaults_NoKeysAsked_RateLimitFromValues()
    {
        var chart = HelmChart.Render("default");
        var api = ApiContainer(chart);

        Assert.Null(Manifest.Env(api, "ApiKeys__File"));
        Assert.DoesNotContain(chart.OfKind("Secret"), s => s.Name.EndsWith("-api-keys", StringComparison.Ordinal));
        var limits = Bind<ClientRateLimitOptions>(api, ClientRateLimitOptions.SectionName);
        Assert.Equal(100, limits.PermitsPerSecond);
        Assert.Equal(200, limits.Burst);
        Assert.False(Bind<ForwardedHeadersSettings>(api, ForwardedHeadersSettings.SectionName).IsEnabled);
    }

    [Fact]
    public void KeyList_RenderedAsASecretFile_ThatTheApiReadsBack()
    {
        var chart = HelmChart.RenderWith("--set", $"apiKeys.keys={{{KeyA},{KeyB}}}");
        var deployment = chart.Single("Deployment", "-api");
        var secret = chart.Single("Secret", "-api-keys");

        string file = MountedFile(deployment, secret.Name);
        Assert.Equal(file, Manifest.Env(ApiContainer(chart), "ApiKeys__File").Text("value"));
        string keysFile = Encoding.UTF8.GetString(Convert.FromBase64String(secret.Root.Text("data", "api-keys")!));
        var keys = ApiKeysFrom(keysFile);
        Assert.True(keys.TryMatch(KeyA, out _));
        Assert.True(keys.TryMatch(KeyB, out _));
        // Keys are read at start: changing them must roll the pods.
        Assert.NotNull(deployment.Root.Text("spec", "template", "metadata", "annotations", "checksum/api-keys"));
        var changed = HelmChart.RenderWith("--set", $"apiKeys.keys={{{KeyA}}}").Single("Deployment", "-api");
        Assert.NotEqual(deployment.Root.Text("spec", "template", "metadata", "annotations", "checksum/api-keys"),
            changed.Root.Text("spec", "template", "metadata", "annotations", "checksum/api-keys"));
    }

    [Fact]
    public void ExistingSecret_MountedAsTheKeyFile_AndNoKeySecretRendered()
    {
        var chart = HelmChart.RenderWith("--set", "apiKeys.existingSecret=prediction-api-keys");

        string file = MountedFile(chart.Single("Deployment", "-api"), "prediction-api-keys");
        Assert.Equal(file, Manifest.Env(ApiContainer(chart), "ApiKeys__File").Text("value"));
        Assert.DoesNotContain(chart.OfKind("Secret"), s => s.Name.EndsWith("-api-keys", StringComparison.Ordinal));
    }

    [Fact]
    public void RateLimitAndTrustedProxies_BindToTheApiOptions()
    {
        var chart = HelmChart.RenderWith("--set", "rateLimit.permitsPerSecond=7", "--set", "rateLimit.burst=9",
            "--set", "rateLimit.trustedProxies={10.244.0.0/16,192.168.1.1/32}");
        var api = ApiContainer(chart);

        var limits = Bind<ClientRateLimitOptions>(api, ClientRateLimitOptions.SectionName);
        Assert.Equal((7, 9), (limits.PermitsPerSecond, limits.Burst));
        var proxies = Bind<ForwardedHeadersSettings>(api, ForwardedHeadersSettings.SectionName);
        Assert.Equal(["10.244.0.0/16", "192.168.1.1/32"], proxies.KnownNetworks);
        Assert.Empty(proxies.Validate(new System.ComponentModel.DataAnnotations.ValidationContext(proxies)));
    }

    private static YamlNode ApiContainer(RenderedChart chart) => chart.Single("Deployment", "-api").Containers.Single();

    /// <summary>The path in the API container of the "api-keys" item of Secret <paramref name="secretName"/>.</summary>
    private static string MountedFile(Manifest deployment, string secretName)
    {
        var volume = deployment.PodSpec.Items("volumes").Single(v => v.Text("secret", "secretName") == secretName);
        var item = volume.Items("secret", "items").Single(i => i.Text("key") == "api-keys");
        var mount = deployment.Containers.Single().Items("volumeMounts").Single(m => m.Text("name") == volume.Text("name"));
        Assert.Equal("true", mount.Text("readOnly"));
        return $"{mount.Text("mountPath")}/{item.Text("path")}";
    }

    private static ApiKeySet ApiKeysFrom(string fileText)
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, fileText);
            return ApiKeySet.From(new ApiKeyOptions { File = file });
        }
        finally
        {
            File.Delete(file);
        }
    }

    /// <summary>The container's literal env entries as ASP.NET Core reads them ("__" = ":"), bound to <typeparamref name="T"/>.</summary>
    private static T Bind<T>(YamlNode container, string section) where T : new()
    {
        var settings = container.Items("env").Where(e => e.Text("value") is not null)
            .Select(e => new KeyValuePair<string, string?>(e.Text("name")!.Replace("__", ":"), e.Text("value")));
        var options = new T();
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(section).Bind(options);
        return options;
    }
}
