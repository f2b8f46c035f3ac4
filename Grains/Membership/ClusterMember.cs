using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Grains.Membership;

/// <summary>A live silo as routers see it: its id, where to call it, and its rendezvous-hashing seed.</summary>
public sealed record ClusterMember(string SiloId, Uri Endpoint)
{
    /// <summary>64 bits derived from the id alone, so every router computes the same owner for a key.</summary>
    public ulong Seed { get; } = SeedOf(SiloId);

    private static ulong SeedOf(string siloId)
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(Encoding.UTF8.GetBytes(siloId), digest);
        return BinaryPrimitives.ReadUInt64LittleEndian(digest);
    }
}
