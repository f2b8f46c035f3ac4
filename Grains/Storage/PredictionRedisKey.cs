using System.Text;
using Grains.Interfaces;
using StackExchange.Redis;

namespace Grains.Storage;

/// <summary>
/// The Redis key of a stored prediction: <c>{ServiceId}/{model id}/</c> followed by the 32 raw bytes of its
/// <see cref="PredictionKey"/>. Orleans' default (<c>{ServiceId}/state/{grain type}/{model id}/{64 hex}/{state}</c>,
/// 116 bytes) made a stored prediction cost ~248 bytes of Redis memory; this one (60 bytes) ~190. The model id
/// stays in clear so an operator can count or drop one model's entries with a pattern. A grain key that is not a
/// prediction's falls back to Orleans' layout.
/// </summary>
public static class PredictionRedisKey
{
    public static Func<string, GrainId, RedisKey> For(string serviceId)
    {
        byte[] prefix = Encoding.UTF8.GetBytes(serviceId + "/");
        return (stateName, grainId) => Create(prefix, stateName, grainId);
    }

    private static RedisKey Create(byte[] prefix, string stateName, GrainId grainId)
    {
        string grainKey = grainId.Key.ToString()!;
        var modelId = PredictionGrainKey.ModelIdOf(grainKey);
        if (modelId.IsEmpty || !PredictionKey.TryParse(grainKey.AsSpan(modelId.Length + 1), out var key))
        {
            return $"{Encoding.UTF8.GetString(prefix)}state/{grainId}/{stateName}";
        }
        int modelBytes = Encoding.UTF8.GetByteCount(modelId);
        var bytes = new byte[prefix.Length + modelBytes + 1 + PredictionKey.Size];
        prefix.CopyTo(bytes, 0);
        int written = prefix.Length + Encoding.UTF8.GetBytes(modelId, bytes.AsSpan(prefix.Length));
        bytes[written++] = (byte)PredictionGrainKey.Separator;
        key.WriteTo(bytes.AsSpan(written));
        return bytes;
    }
}
