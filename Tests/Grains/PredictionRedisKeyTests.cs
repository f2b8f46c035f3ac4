using System.Text;
using Grains.Interfaces;
using Grains.Storage;

namespace Tests.Grains;

public sealed class PredictionRedisKeyTests
{
    [Fact]
    public void PredictionGrain_KeyIsServiceModelAndRawDigest()
    {
        var digest = PredictionKey.Compute("d9785344f285b008", "a text");
        var grainId = GrainId.Create("prediction", PredictionGrainKey.Format("d9785344f285b008", digest));

        byte[] key = PredictionRedisKey.For("prediction")("scores", grainId)!;

        var expected = new byte[60];
        Encoding.ASCII.GetBytes("prediction/d9785344f285b008/").CopyTo(expected, 0);
        digest.WriteTo(expected.AsSpan(28));
        Assert.Equal(expected, key);
    }

    [Fact]
    public void DistinctTexts_DistinctKeys()
    {
        var keyOf = PredictionRedisKey.For("svc");
        byte[] Key(string text) => keyOf("scores", GrainId.Create("prediction", PredictionGrainKey.Format("m", PredictionKey.Compute("m", text))))!;

        Assert.NotEqual(Key("one"), Key("two"));
        Assert.Equal(Key("one"), Key("one"));
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
}
