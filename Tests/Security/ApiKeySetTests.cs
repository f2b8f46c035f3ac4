using PredictionCluster.Api.Security;
using Tests.EndToEnd;
using Tests.Infrastructure;

namespace Tests.Security;

/// <summary>Where keys come from, which are refused, and how a presented key is matched.</summary>
public sealed class ApiKeySetTests
{
    private const string Key = "0123456789abcdef-key";

    [Fact]
    public void TryMatch_ExactKey_MatchesWithAStableIdThatIsNotTheKey()
    {
        var keys = ApiKeySet.From(new ApiKeyOptions { Keys = [Key, "another-key-0123456789"] });

        Assert.True(keys.TryMatch(Key, out string id));
        Assert.True(keys.TryMatch(Key, out string again));
        Assert.Equal(id, again);
        Assert.DoesNotContain(id, Key);
        Assert.True(keys.TryMatch("another-key-0123456789", out string other));
        Assert.NotEqual(id, other);
    }

    [Theory]
    [InlineData("")]
    [InlineData("0123456789abcdef-ke")]
    [InlineData("0123456789abcdef-key ")]
    [InlineData("0123456789ABCDEF-KEY")]
    [InlineData("0123456789abcdef-key0123456789abcdef-key")]
    public void TryMatch_AnythingButTheKey_NoMatch(string presented)
    {
        var keys = ApiKeySet.From(new ApiKeyOptions { Keys = [Key] });

        Assert.False(keys.TryMatch(presented, out _));
    }

    [Fact]
    public void From_NothingConfigured_Disabled()
    {
        Assert.False(ApiKeySet.From(new ApiKeyOptions()).IsEnabled);
    }

    [Fact]
    public void From_File_OneKeyALineSkippingBlanksAndComments()
    {
        string file = Path.GetTempFileName();
        try
        {
            File.WriteAllText(file, $"# rotated 2026-12-01\n\n  {Key}  \r\nsecond-key-0123456789\n");

            var keys = ApiKeySet.From(new ApiKeyOptions { File = file });

            Assert.True(keys.TryMatch(Key, out _));
            Assert.True(keys.TryMatch("second-key-0123456789", out _));
            Assert.False(keys.TryMatch("# rotated 2026-12-01", out _));
        }
        finally
        {
            File.Delete(file);
        }
    }

    [Fact]
    public void Problems_NamedFileMissingOrWithoutKeys_FailsClosed()
    {
        string empty = Path.GetTempFileName();
        try
        {
            File.WriteAllText(empty, "# nothing yet\n\n");

            Assert.Contains("does not exist", Assert.Single(ApiKeySet.Problems(new ApiKeyOptions { File = empty + ".missing" })));
            Assert.Contains("holds no key", Assert.Single(ApiKeySet.Problems(new ApiKeyOptions { File = empty, Keys = [Key] })));
        }
        finally
        {
            File.Delete(empty);
        }
    }

    [Theory]
    [InlineData("k3y-0x")]
    [InlineData("has a space inside it")]
    [InlineData("tab\tinside-0123456789")]
    public void Problems_WeakOrMalformedKey_RefusedWithoutQuotingIt(string key)
    {
        string problem = Assert.Single(ApiKeySet.Problems(new ApiKeyOptions { Keys = [Key, key] }));

        Assert.Contains("key 2 of 2", problem);
        Assert.DoesNotContain(key, problem);
    }

    [Fact]
    public async Task Api_KeyFileMissing_StopsAtStartNamingIt()
    {
        string missing = Path.Combine(Path.GetTempPath(), $"no-such-keys-{Guid.NewGuid():N}");
        await using var server = ServerProcess.Start($"--Model:Path={RepositoryPaths.LexiconModel}", $"--ApiKeys:File={missing}");

        Assert.True(await server.WaitForExitAsync(TimeSpan.FromSeconds(60)), server.Output);
        Assert.Equal(1, server.ExitCode);
        Assert.Contains($"'{missing}' does not exist", server.Output);
    }
}
