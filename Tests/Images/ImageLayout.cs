using System.Diagnostics;

namespace Tests.Images;

/// <summary>
/// One image target of docker/Dockerfile rebuilt as a directory tree (no container engine runs here): the build
/// stage's <c>dotnet publish</c> commands run against the already built sources, and every COPY of the target
/// lands under <see cref="Root"/> at its image path. ENV values that are image paths point into the same tree,
/// so a process started from it finds the model and ONNX Runtime only where the image would have them.
/// </summary>
public sealed class ImageLayout
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(3);

    private ImageLayout(string root, DockerStage stage)
    {
        Root = root;
        Stage = stage;
    }

    /// <summary>The image's "/" on this machine.</summary>
    public string Root { get; }

    public DockerStage Stage { get; }

    /// <summary>An image path (e.g. /app/models/default) in <see cref="Root"/>.</summary>
    public string Host(string imagePath) => Path.Combine(Root, imagePath.TrimStart('/'));

    /// <summary>The last WORKDIR, in <see cref="Root"/>.</summary>
    public string WorkingDirectory => Host(Stage.All("WORKDIR").Last().Arguments);

    /// <summary>The entry point's assembly (<c>ENTRYPOINT ["/app/X"]</c>, the apphost: X.dll beside it) in <see cref="Root"/>.</summary>
    public string EntryAssembly
    {
        get
        {
            // The apphost (/app/Silo): its assembly, Silo.dll beside it, is what the test runs with this machine's dotnet.
            var entry = Dockerfile.ExecForm(Stage.All("ENTRYPOINT").Last().Arguments);
            string workdir = Stage.All("WORKDIR").Last().Arguments.TrimEnd('/');
            Assert.True(entry is [var host] && host.StartsWith(workdir + "/", StringComparison.Ordinal), $"ENTRYPOINT {string.Join(' ', entry)}: not an apphost in {workdir}");
            Assert.True(File.Exists(Host(entry[0])), $"no apphost {Host(entry[0])}");
            return Host(entry[0] + ".dll");
        }
    }

    /// <summary>The image's environment; values that are absolute paths are mapped into <see cref="Root"/>.</summary>
    public Dictionary<string, string> Environment() =>
        Stage.Environment().ToDictionary(p => p.Key, p => p.Value.StartsWith('/') ? Host(p.Value) : p.Value);

    /// <summary>Every file outside /tmp with its size and write time: what a read-only root filesystem must leave alone.</summary>
    public SortedDictionary<string, (long, DateTime)> Snapshot() =>
        new(Directory.EnumerateFiles(Root, "*", SearchOption.AllDirectories)
            .Where(f => !f.StartsWith(Host("/tmp"), StringComparison.Ordinal))
            .ToDictionary(f => Path.GetRelativePath(Root, f), f => (new FileInfo(f).Length, File.GetLastWriteTimeUtc(f))), StringComparer.Ordinal);

    /// <summary>
    /// Publishes what the build stages publish (into <paramref name="buildRoot"/>, the build stages' "/"; once per
    /// build root) and copies the target's files into <paramref name="root"/>.
    /// </summary>
    public static async Task<ImageLayout> BuildAsync(Dockerfile dockerfile, string target, string context, string buildRoot, string root)
    {
        var stage = dockerfile.Stage(target);
        var layout = new ImageLayout(root, stage);
        // The base image's /tmp: the one writable path (an emptyDir in the chart).
        Directory.CreateDirectory(layout.Host("/tmp"));
        foreach (var copy in stage.Effective().Where(i => i.Keyword == "COPY").Select(i => i.Copy()))
        {
            string sourceRoot = context;
            if (copy.From is not null)
            {
                await PublishOnceAsync(dockerfile.Stage(copy.From), context, buildRoot);
                sourceRoot = buildRoot;
            }
            foreach (var source in copy.Sources)
            {
                CopyInto(Path.Combine(sourceRoot, source.TrimStart('/')), layout.Host(copy.Destination), copy.Destination.EndsWith('/'));
            }
        }
        return layout;
    }

    /// <summary>
    /// Runs the build stage's RUN commands: only <c>dotnet publish PROJECT [-c CONFIG] -o DIR</c> is understood (a new
    /// kind of step must be taught here, not skipped). <c>--no-build</c> is added: the test run has just built
    /// these sources in the same configuration, and rebuilding would rewrite assemblies other tests are running.
    /// </summary>
    private static async Task PublishOnceAsync(DockerStage build, string context, string buildRoot)
    {
        string marker = Path.Combine(buildRoot, $".published-{build.Name}");
        if (File.Exists(marker))
        {
            return;
        }
        Assert.Equal("/src", build.All("WORKDIR").Last().Arguments);
        foreach (var run in build.All("RUN"))
        {
            foreach (var command in run.Arguments.Split("&&", StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            {
                var words = Dockerfile.Expand(command, build.Arguments()).Split(' ', StringSplitOptions.RemoveEmptyEntries);
                Assert.True(words is ["dotnet", "publish", ..], $"The build stage runs '{command}', which this layout cannot reproduce.");
                var arguments = new List<string> { "publish", Path.Combine(context, words[2]), "--no-build", "--nologo" };
                for (int i = 3; i < words.Length; i++)
                {
                    if (words[i] is "-r" or "--self-contained")
                    {
                        // The target platform and the runtime's packaging: the layout is published for this machine
                        // from the build the test run made (no RID), so ONNX Runtime sits under runtimes/<rid>/native
                        // here, beside /app in the image; scripts/container-cluster.sh runs the real images.
                        i++;
                        continue;
                    }
                    if (words[i].StartsWith("-p:NuGetAudit=", StringComparison.Ordinal))
                    {
                        continue;
                    }
                    Assert.True(words[i] is "-c" or "-o", $"Unexpected publish option '{words[i]}' in '{command}'.");
                    arguments.Add(words[i]);
                    arguments.Add(words[i] == "-o" ? Path.Combine(buildRoot, words[++i].TrimStart('/')) : words[++i]);
                }
                await RunDotnetAsync(arguments);
            }
        }
        await File.WriteAllTextAsync(marker, "");
    }

    private static async Task RunDotnetAsync(List<string> arguments)
    {
        var info = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        arguments.ForEach(info.ArgumentList.Add);
        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(PublishTimeout);
        await process.WaitForExitAsync(timeout.Token);
        Assert.True(process.ExitCode == 0, $"dotnet {string.Join(' ', arguments)} exited with {process.ExitCode}:\n{await output}\n{await errors}");
    }

    /// <summary>COPY semantics: a directory's contents go into the destination; a file goes into it (trailing '/') or becomes it.</summary>
    private static void CopyInto(string source, string destination, bool destinationIsDirectory)
    {
        if (Directory.Exists(source))
        {
            foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
            {
                var target = Path.Combine(destination, Path.GetRelativePath(source, file));
                Directory.CreateDirectory(Path.GetDirectoryName(target)!);
                File.Copy(file, target, overwrite: true);
            }
            return;
        }
        Assert.True(File.Exists(source), $"COPY source {source} does not exist.");
        var to = destinationIsDirectory ? Path.Combine(destination, Path.GetFileName(source)) : destination;
        Directory.CreateDirectory(Path.GetDirectoryName(to)!);
        File.Copy(source, to, overwrite: true);
    }
}
