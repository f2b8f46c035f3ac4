using System.Text.Json;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using Tests.Infrastructure;

namespace Tests.Images;

/// <summary>docker/Dockerfile and .dockerignore, read without a container engine: what they copy exists and reaches the build.</summary>
public sealed partial class DockerfileTests
{
    private static readonly Dockerfile s_dockerfile = Dockerfile.Load(ImageLayoutFixture.DockerfilePath);
    private static readonly DockerIgnore s_ignore = DockerIgnore.Load(Path.Combine(RepositoryPaths.Root, ".dockerignore"));

    [Fact]
    public void CopySources_FromTheBuildContext_ExistAfterSetup_AndPassTheDockerIgnore()
    {
        var copies = s_dockerfile.Stages.SelectMany(s => s.Instructions).Where(i => i.Keyword == "COPY").Select(i => i.Copy())
            .Where(c => c.From is null).SelectMany(c => c.Sources).ToArray();
        Assert.Contains("models/default/", copies);
        // ONNX Runtime's native library comes with the NuGet package through publish, not from .deps.
        Assert.DoesNotContain(copies, c => c.StartsWith(".deps", StringComparison.Ordinal));
        foreach (var source in copies.Where(s => s != "."))
        {
            var path = Path.Combine(RepositoryPaths.Root, source);
            var files = Directory.Exists(path) ? Directory.EnumerateFiles(path, "*", SearchOption.AllDirectories).ToArray() : [path];
            Assert.True(files.Length > 0 && files.All(File.Exists), $"COPY {source}: nothing there (run scripts/setup.sh)");
            foreach (var file in files)
            {
                var relative = Path.GetRelativePath(RepositoryPaths.Root, file);
                Assert.True(s_ignore.IsIncluded(relative), $"COPY {source}: .dockerignore keeps {relative} out of the build context");
            }
        }
    }

    [Fact]
    public void BuildContext_HoldsEveryProjectTheHostsBuildFrom_AndNoBuildOutputsOrTests()
    {
        foreach (var project in ProjectClosure("Silo/Silo.csproj").Concat(ProjectClosure("Api/Api.csproj")).Append("Directory.Build.props").Append("Directory.Packages.props"))
        {
            Assert.True(s_ignore.IsIncluded(project), $".dockerignore excludes {project}, which the images build from");
        }
        foreach (var excluded in (string[])["Api/bin/Release/net10.0/Api.dll", "Grains/obj/project.assets.json", ".git/HEAD", "Tests/Tests.csproj",
            ".deps/npm/onnxruntime-node-1.30.0.tgz", ".deps/onnxruntime/libonnxruntime.so.1", "models/distilbert-bench/model.onnx", "helm/prediction-cluster/Chart.yaml"])
        {
            Assert.False(s_ignore.IsIncluded(excluded), $".dockerignore lets {excluded} into the build context");
        }
    }

    [Fact]
    public void DockerIgnore_LastMatchingPatternDecides()
    {
        Assert.False(s_ignore.IsIncluded("models/distilbert-bench/vocab.txt"));
        Assert.True(s_ignore.IsIncluded("models/default/vocab.txt"));
        Assert.False(s_ignore.IsIncluded("Redis/bin/x.dll"));
    }

    [Theory]
    [InlineData("silo", "Silo")]
    [InlineData("api", "Api")]
    public void Target_RunsNonRoot_OnTheAspNetRuntime_WithAHealthCheckOnAnExposedPort(string target, string assembly)
    {
        var stage = s_dockerfile.Stage(target);
        var user = stage.All("USER").LastOrDefault()?.Arguments;
        // Numeric: the same uid on Microsoft's images and on a base without their APP_UID variable (runAsNonRoot can check it).
        Assert.Equal("1654", user);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:", Base(stage).Image);
        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:", s_dockerfile.Stage("build").Image);
        // The apphost: framework-dependent on the aspnet image, self-contained on a base without .NET.
        Assert.Equal(["/app/" + assembly], Dockerfile.ExecForm(stage.All("ENTRYPOINT").Last().Arguments));
        var exposed = stage.All("EXPOSE").SelectMany(e => e.Arguments.Split(' ')).Select(int.Parse).ToArray();
        var health = stage.All("HEALTHCHECK").Single().Arguments;
        Assert.Contains(int.Parse(HealthPort().Match(health).Groups[1].Value), exposed);
        Assert.Contains("/health/ready", health);
    }

    [Fact]
    public void BuildStage_PublishesForOneTargetPlatform_FromBaseImagesGivenAsArguments()
    {
        var build = s_dockerfile.Stage("build");
        var arguments = build.Arguments();
        Assert.Equal("linux-x64", arguments["RID"]);
        Assert.Equal("false", arguments["SELF_CONTAINED"]);
        foreach (var run in build.All("RUN"))
        {
            foreach (var command in run.Arguments.Split("&&", StringSplitOptions.TrimEntries))
            {
                // Without a RID every platform's ONNX Runtime ships (~209 MB under runtimes/).
                Assert.Contains("-r ${RID}", command);
                Assert.Contains("--self-contained ${SELF_CONTAINED}", command);
            }
        }
        var text = File.ReadAllText(Path.Combine(RepositoryPaths.Root, "docker", "Dockerfile"));
        Assert.Contains("FROM ${SDK_IMAGE} AS build", text);
        Assert.Contains("FROM ${RUNTIME_IMAGE} AS runtime", text);
    }

    [Fact]
    public void SiloTarget_ExposesTheKestrelEndpointsAndOrleansPortsOfItsSettings()
    {
        using var settings = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryPaths.Root, "Silo", "appsettings.json")));
        var endpoints = settings.RootElement.GetProperty("Kestrel").GetProperty("Endpoints");
        var orleans = settings.RootElement.GetProperty("Orleans").GetProperty("Endpoints");
        var ports = endpoints.EnumerateObject().Select(e => new Uri(e.Value.GetProperty("Url").GetString()!).Port)
            .Append(orleans.GetProperty("SiloPort").GetInt32())
            .Append(orleans.GetProperty("GatewayPort").GetInt32())
            .Order().ToArray();
        Assert.Equal([8080, 11111, 30000], ports);
        var exposed = s_dockerfile.Stage("silo").All("EXPOSE").SelectMany(e => e.Arguments.Split(' ')).Select(int.Parse).Order().ToArray();
        Assert.Equal(ports, exposed);
    }

    [Fact]
    public void ApiTarget_ListensWhereItExposes()
    {
        var stage = s_dockerfile.Stage("api");
        Assert.Equal(stage.Environment()["ASPNETCORE_HTTP_PORTS"], stage.All("EXPOSE").Single().Arguments);
    }

    private static DockerStage Base(DockerStage stage) => stage.Parent is null ? stage : Base(stage.Parent);

    /// <summary>A project and every project it references, as repository-relative paths.</summary>
    private static IEnumerable<string> ProjectClosure(string project)
    {
        var seen = new HashSet<string>();
        var pending = new Stack<string>([project]);
        while (pending.TryPop(out var current))
        {
            if (!seen.Add(current))
            {
                continue;
            }
            var directory = Path.GetDirectoryName(current)!;
            foreach (var reference in XDocument.Load(Path.Combine(RepositoryPaths.Root, current)).Descendants("ProjectReference"))
            {
                var path = Path.GetRelativePath(RepositoryPaths.Root, Path.GetFullPath(Path.Combine(RepositoryPaths.Root, directory, reference.Attribute("Include")!.Value.Replace('\\', '/'))));
                pending.Push(path);
            }
        }
        return seen;
    }

    [GeneratedRegex(@"/dev/tcp/127\.0\.0\.1/(\d+)")]
    private static partial Regex HealthPort();
}
