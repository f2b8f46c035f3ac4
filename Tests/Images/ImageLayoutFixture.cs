using Tests.Infrastructure;

namespace Tests.Images;

/// <summary>Both image targets of docker/Dockerfile rebuilt once as directory trees in a temporary directory outside the repository.</summary>
public sealed class ImageLayoutFixture : IAsyncLifetime
{
    private readonly string _directory = Path.Combine(Path.GetTempPath(), "image-layout-" + Guid.NewGuid().ToString("N")[..8]);

    public static string DockerfilePath => Path.Combine(RepositoryPaths.Root, "docker", "Dockerfile");

    public ImageLayout Silo { get; private set; } = null!;

    public ImageLayout Api { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var dockerfile = Dockerfile.Load(DockerfilePath);
        string build = Path.Combine(_directory, "build");
        Directory.CreateDirectory(build);
        // Outside the repository: nothing may be found by walking up to the repository's .deps or models.
        Assert.False(_directory.StartsWith(RepositoryPaths.Root, StringComparison.Ordinal));
        Silo = await ImageLayout.BuildAsync(dockerfile, "silo", RepositoryPaths.Root, build, Path.Combine(_directory, "silo"));
        Api = await ImageLayout.BuildAsync(dockerfile, "api", RepositoryPaths.Root, build, Path.Combine(_directory, "api"));
    }

    public Task DisposeAsync()
    {
        try
        {
            Directory.Delete(_directory, recursive: true);
        }
        catch (IOException)
        {
            // A process still closing its files; the temporary directory is cleaned by the OS eventually.
        }
        return Task.CompletedTask;
    }
}
