using Tests.Infrastructure;

namespace Tests.LoadTest;

/// <summary>
/// The k6 scripts (loadtest/*.js) type-checked against k6's API (@types/k6, by TypeScript's tsc: see
/// loadtest/typecheck): no k6 package exists in these registries, so this is what checks them. The scripts pass,
/// and a copy with a misspelled k6 call fails, naming it.
/// </summary>
public sealed class K6TypeCheckTests
{
    private static readonly string TypeCheck = Path.Combine(RepositoryPaths.Root, "loadtest", "typecheck");
    private static readonly string TypeRoots = Path.Combine(RepositoryPaths.Root, ".deps", "k6-typecheck", "node_modules", "@types");
    private static readonly string Tsc = Path.Combine(RepositoryPaths.Root, ".deps", "k6-typecheck", "node_modules", ".bin", "tsc");

    [Fact]
    public void The_load_scripts_call_k6_as_its_types_declare()
    {
        var (exitCode, output) = RunTsc(Path.Combine(TypeCheck, "tsconfig.json"));

        Assert.True(exitCode == 0, output);
        var checkedFiles = RunTsc(Path.Combine(TypeCheck, "tsconfig.json"), "--listFilesOnly").Output;
        foreach (var script in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "loadtest"), "*.js"))
        {
            Assert.Contains(script, checkedFiles);
        }
    }

    [Theory]
    [InlineData("http.post(", "http.pots(", "pots")]
    [InlineData("import { check } from 'k6';", "import { chek } from 'k6';", "chek")]
    public void A_script_that_calls_k6_wrongly_fails_the_check(string right, string wrong, string named)
    {
        string directory = Directory.CreateTempSubdirectory("k6-typecheck-").FullName;
        try
        {
            foreach (var script in Directory.GetFiles(Path.Combine(RepositoryPaths.Root, "loadtest"), "*.js"))
            {
                File.Copy(script, Path.Combine(directory, Path.GetFileName(script)));
            }
            string lib = Path.Combine(directory, "lib.js");
            string source = File.ReadAllText(lib);
            Assert.Contains(right, source);
            File.WriteAllText(lib, source.Replace(right, wrong, StringComparison.Ordinal));
            // The same compiler options as the repository's check, over the broken copy.
            string config = File.ReadAllText(Path.Combine(TypeCheck, "tsconfig.json"))
                .Replace("\"../../.deps/k6-typecheck/node_modules/@types\"", $"\"{TypeRoots}\"", StringComparison.Ordinal)
                .Replace("\"../*.js\"", "\"*.js\"", StringComparison.Ordinal);
            File.WriteAllText(Path.Combine(directory, "tsconfig.json"), config);

            var (exitCode, output) = RunTsc(Path.Combine(directory, "tsconfig.json"));

            Assert.NotEqual(0, exitCode);
            Assert.Contains("lib.js", output);
            Assert.Contains(named, output);
        }
        finally
        {
            Directory.Delete(directory, recursive: true);
        }
    }

    private static (int ExitCode, string Output) RunTsc(string project, params string[] extra)
    {
        Assert.True(File.Exists(Tsc), $"{Tsc} is missing: run scripts/setup.sh --test");
        return ExternalCommand.Run(Tsc, ["-p", project, .. extra], TimeSpan.FromSeconds(60));
    }
}
