using Grains.Inference.OnnxRuntime;

namespace Tests.OnnxRuntime;

[Collection(OrtCollection.Name)]
public sealed class OrtLibraryTests(OrtTestModel model)
{
    [Fact]
    public void Load_Search_FindsDepsLibraryAndReportsVersion()
    {
        var path = OrtLibrary.Load();

        Assert.True(File.Exists(path));
        Assert.EndsWith(OrtLibrary.FileName, path);
        Assert.Equal("1.30.0", OrtLibrary.Version);
    }

    [Fact]
    public void Load_CalledAgainConcurrently_ReturnsSamePath()
    {
        var paths = new string[16];
        Parallel.For(0, paths.Length, i => paths[i] = OrtLibrary.Load());

        Assert.All(paths, p => Assert.Equal(model.LibraryPath, p));
        Assert.Equal(model.LibraryPath, OrtLibrary.Load(model.LibraryPath));
    }

    [Fact]
    public void Load_DifferentPathAfterLoad_Throws()
    {
        var ex = Assert.Throws<InvalidOperationException>(() => OrtLibrary.Load("/nonexistent/libonnxruntime.so.1"));
        Assert.Contains(model.LibraryPath, ex.Message);
    }

    [Fact]
    public void Resolve_NothingFound_NamesEveryPathTriedAndSetupScript()
    {
        var empty = Directory.CreateTempSubdirectory("ort-empty-").FullName;
        try
        {
            var ex = Assert.Throws<DllNotFoundException>(() => OrtLibrary.Resolve(null, "/nope/libort.so", empty));

            Assert.Contains("/nope/libort.so", ex.Message);
            Assert.Contains(Path.Combine(empty, OrtLibrary.FileName), ex.Message);
            Assert.Contains(Path.Combine(empty, ".deps", "onnxruntime", OrtLibrary.FileName), ex.Message);
            Assert.Contains(Path.Combine("/", ".deps", "onnxruntime", OrtLibrary.FileName), ex.Message);
            Assert.Contains("scripts/setup.sh", ex.Message);
        }
        finally
        {
            Directory.Delete(empty);
        }
    }

    [Fact]
    public void Resolve_ExplicitMissingPath_Throws()
    {
        var ex = Assert.Throws<DllNotFoundException>(() => OrtLibrary.Resolve("/missing/lib.so", null, AppContext.BaseDirectory));
        Assert.Contains("/missing/lib.so", ex.Message);
    }

    [Fact]
    public void Resolve_EnvironmentVariable_WinsOverSearch()
    {
        var resolved = OrtLibrary.Resolve(null, model.LibraryPath, "/");
        Assert.Equal(model.LibraryPath, resolved);
    }

    [Fact]
    public void Resolve_WalkUp_FindsDepsFromBaseDirectory()
    {
        var resolved = OrtLibrary.Resolve(null, null, AppContext.BaseDirectory);
        Assert.Equal(Path.Combine(model.RepoRoot, ".deps", "onnxruntime", OrtLibrary.FileName), resolved);
    }
}
