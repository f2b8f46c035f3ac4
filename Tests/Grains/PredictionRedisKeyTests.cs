using System.Security.Cryptography;
using System.Text;
using PredictionCluster.Grains.Interfaces;
using PredictionCluster.Grains.Storage;

namespace Tests.Grains;

public sealed class PredictionRedisKeyTests
{
    private const string Model = "d9785344f285b008";

    [Fact]
    public void PredictionGrain_KeyIsEightBytesOfTheServiceAndModelHash_ThenTheRawDigest_40Bytes()
    {
        var digest = PredictionKey.Compute(Model, "a text");

        byte[] key = KeyOf("prediction", Model, digest);

        // Independent of the code under test: SHA-256 of "{ServiceId}/{model id}", its first 8 bytes, then the 32 of the digest.
        var expected = new byte[40];
        SHA256.HashData(Encoding.UTF8.GetBytes("prediction/" + Model)).AsSpan(0, 8).CopyTo(expected);
        digest.WriteTo(expected.AsSpan(8));
        Assert.Equal(expected, key);
        Assert.True(key.Length <= 44, "issue 14: 200 bytes per entry or less needs a key of 44 bytes at most");
    }

    [Fact]
    public void SameInputs_SameKey_DistinctTexts_DistinctKeys()
    {
        Assert.Equal(KeyOf("svc", "m", Digest("m", "one")), KeyOf("svc", "m", Digest("m", "one")));
        Assert.NotEqual(KeyOf("svc", "m", Digest("m", "one")), KeyOf("svc", "m", Digest("m", "two")));
    }

    [Fact]
    public void TwoModels_SameText_NeverCollide_AndEachModelHasOneFixedPrefix()
    {
        var keys = new[] { "m1", "m2" }.SelectMany(model => new[] { "one", "two" }.Select(text => (model, key: KeyOf("svc", model, Digest(model, text))))).ToArray();

        Assert.Equal(keys.Length, keys.Select(k => Convert.ToHexString(k.key)).Distinct().Count());
        foreach (var group in keys.GroupBy(k => k.model))
        {
            Assert.Single(group.Select(k => Convert.ToHexString(k.key, 0, PredictionRedisKey.ScopeSize)).Distinct());
            Assert.All(group, k => Assert.Equal(PredictionRedisKey.ScopeOf("svc", group.Key), k.key[..PredictionRedisKey.ScopeSize]));
        }
        Assert.NotEqual(PredictionRedisKey.ScopeOf("svc", "m1"), PredictionRedisKey.ScopeOf("svc", "m2"));
    }

    [Fact]
    public void TwoServiceIds_SameModelAndText_NeverCollide()
    {
        var digest = Digest(Model, "one");

        Assert.NotEqual(KeyOf("blue", Model, digest), KeyOf("green", Model, digest));
        Assert.Equal(KeyOf("blue", Model, digest)[PredictionRedisKey.ScopeSize..], KeyOf("green", Model, digest)[PredictionRedisKey.ScopeSize..]);
    }

    [Theory]
    [InlineData("no-separator")]
    [InlineData("model/not-hex")]
    public void OtherGrainKeys_KeepOrleansLayout(string grainKey)
    {
        var grainId = GrainId.Create("other", grainKey);

        string key = PredictionRedisKey.For("svc")("state1", grainId)!;

        Assert.Equal($"svc/state/{grainId}/state1", key);
    }

    private static PredictionKey Digest(string model, string text) => PredictionKey.Compute(model, text);

    private static byte[] KeyOf(string serviceId, string model, PredictionKey digest) =>
        PredictionRedisKey.For(serviceId)("scores", GrainId.Create("prediction", PredictionGrainKey.Format(model, digest)))!;
}
