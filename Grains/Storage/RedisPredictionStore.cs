using System.Buffers.Binary;
using Grains.Inference.Model;
using Grains.Interfaces;
using Microsoft.Extensions.Options;
using Redis;

namespace Grains.Storage;

/// <summary>
/// Grain storage in Redis: one string per key holding the scores as little-endian float32s (8 bytes for
/// two labels). A read of many keys is one MGET; a write of many is one pipelined batch of SET ... PX.
/// </summary>
public sealed class RedisPredictionStore(RedisClient redis, SentimentModel model, IOptions<StorageOptions> options) : IPredictionStore
{
    private readonly string _prefix = options.Value.KeyPrefix + model.Descriptor.ModelId + ":";
    private readonly TimeSpan? _timeToLive = options.Value.TimeToLive > TimeSpan.Zero ? options.Value.TimeToLive : null;
    private readonly int _labelCount = model.LabelCount;

    public async ValueTask<float[]?[]> ReadManyAsync(IReadOnlyList<PredictionKey> keys, CancellationToken cancellationToken)
    {
        var names = new string[keys.Count];
        for (int i = 0; i < names.Length; i++)
        {
            names[i] = KeyOf(keys[i]);
        }
        var values = await redis.GetManyAsync(names, cancellationToken).ConfigureAwait(false);
        var scores = new float[]?[values.Length];
        for (int i = 0; i < values.Length; i++)
        {
            scores[i] = Decode(values[i]);
        }
        return scores;
    }

    public async ValueTask WriteManyAsync(IReadOnlyList<KeyValuePair<PredictionKey, float[]>> entries, CancellationToken cancellationToken)
    {
        var batch = redis.CreateBatch();
        foreach (var (key, scores) in entries)
        {
            _ = batch.SetAsync(KeyOf(key), Encode(scores), _timeToLive);
        }
        await batch.ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The Redis key of <paramref name="key"/> (operators can look it up with redis-cli).</summary>
    public string KeyOf(PredictionKey key) => string.Create(_prefix.Length + PredictionKey.Size * 2, (_prefix, key), static (chars, state) =>
    {
        state._prefix.CopyTo(chars);
        Span<byte> digest = stackalloc byte[PredictionKey.Size];
        state.key.WriteTo(digest);
        Convert.TryToHexStringLower(digest, chars[state._prefix.Length..], out _);
    });

    private static byte[] Encode(float[] scores)
    {
        var bytes = new byte[scores.Length * sizeof(float)];
        for (int i = 0; i < scores.Length; i++)
        {
            BinaryPrimitives.WriteSingleLittleEndian(bytes.AsSpan(i * sizeof(float)), scores[i]);
        }
        return bytes;
    }

    // A value of the wrong size (written by something else) counts as a miss: inference will overwrite it.
    private float[]? Decode(byte[]? value)
    {
        if (value is null || value.Length != _labelCount * sizeof(float))
        {
            return null;
        }
        var scores = new float[_labelCount];
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = BinaryPrimitives.ReadSingleLittleEndian(value.AsSpan(i * sizeof(float)));
        }
        return scores;
    }
}
