using Grains.Interfaces;

namespace Api.Routing;

/// <summary>
/// Keys silos answered lately, remembered by fingerprint in a fixed direct-mapped table (64 Ki slots, 512 KB; a
/// newer key simply takes an older one's slot). <see cref="SiloCallLane"/> merges only requests whose keys are all
/// here: those are almost surely cached on their silo and answered at once, while a request with a new text needs
/// the model and would hold every request merged with it until its batch ran. A false "known" costs one merged call
/// some latency, never a wrong answer.
/// </summary>
internal sealed class AnsweredKeys
{
    private const int Slots = 1 << 16;

    // Aligned 64-bit reads and writes are atomic, so readers and writers need no lock; 0 marks an empty slot.
    private readonly ulong[] _fingerprints = new ulong[Slots];

    public bool ContainsAll(IReadOnlyList<PredictionItem> items)
    {
        for (int i = 0; i < items.Count; i++)
        {
            var key = items[i].Key;
            if (_fingerprints[Slot(key)] != Fingerprint(key))
            {
                return false;
            }
        }
        return true;
    }

    public void AddAll(IReadOnlyList<PredictionItem> items)
    {
        for (int i = 0; i < items.Count; i++)
        {
            var key = items[i].Key;
            _fingerprints[Slot(key)] = Fingerprint(key);
        }
    }

    // The slot and the fingerprint come from different words of the SHA-256 key, so they are independent.
    private static int Slot(PredictionKey key) => key.GetHashCode() & (Slots - 1);

    private static ulong Fingerprint(PredictionKey key) => key.Low64 | 1;
}
