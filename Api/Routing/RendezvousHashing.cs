using Grains.Interfaces;
using Grains.Membership;

namespace Api.Routing;

/// <summary>
/// Highest-random-weight hashing: a key belongs to the member with the highest score(key, member).
/// Every router agrees without coordination, and when a member joins or leaves only the keys it wins
/// or held move (about 1/N of them), unlike modulo hashing.
/// </summary>
public static class RendezvousHashing
{
    /// <summary>The index of the owner of <paramref name="key"/> among <paramref name="members"/>, skipping <paramref name="excluded"/>; -1 if none is left.</summary>
    public static int Owner(PredictionKey key, IReadOnlyList<ClusterMember> members, ClusterMember? excluded = null)
    {
        int best = -1;
        ulong bestScore = 0;
        ulong bits = key.Low64;
        for (int i = 0; i < members.Count; i++)
        {
            var member = members[i];
            if (ReferenceEquals(member, excluded))
            {
                continue;
            }
            ulong score = Score(bits, member.Seed);
            if (best < 0 || score > bestScore)
            {
                best = i;
                bestScore = score;
            }
        }
        return best;
    }

    /// <summary>The weight of a (key, member) pair: a strong 64-bit mix of both, uniform over members.</summary>
    public static ulong Score(ulong key, ulong seed)
    {
        // MurmurHash3's 64-bit finalizer: every input bit flips each output bit with probability ~1/2.
        ulong x = key ^ seed;
        x ^= x >> 33;
        x *= 0xff51afd7ed558ccdUL;
        x ^= x >> 33;
        x *= 0xc4ceb9fe1a85ec53UL;
        x ^= x >> 33;
        return x;
    }
}
