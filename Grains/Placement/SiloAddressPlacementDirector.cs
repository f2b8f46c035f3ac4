using System.Text;
using Orleans.Runtime.Placement;

namespace Grains.Placement;

/// <summary>
/// Chooses the silo a grain's key names, and only that one: when it is not an active, compatible silo (dead,
/// leaving, or a key that is no silo address) the call fails rather than be answered by another silo in its name.
/// </summary>
internal sealed class SiloAddressPlacementDirector : IPlacementDirector
{
    public Task<SiloAddress> OnAddActivation(PlacementStrategy strategy, PlacementTarget target, IPlacementContext context)
    {
        var named = SiloOf(target.GrainIdentity);
        foreach (var silo in context.GetCompatibleSilos(target))
        {
            if (silo.Equals(named))
            {
                return Task.FromResult(silo);
            }
        }
        throw new OrleansException($"Grain {target.GrainIdentity} belongs to silo {named}, which is not an active silo of this cluster.");
    }

    private static SiloAddress SiloOf(GrainId grainId)
    {
        string key = Encoding.UTF8.GetString(grainId.Key.AsSpan());
        try
        {
            return SiloAddress.FromParsableString(key);
        }
        catch (Exception e) when (e is FormatException or ArgumentException or IndexOutOfRangeException)
        {
            throw new OrleansException($"Grain {grainId} is placed by silo address, but its key '{key}' is not one.", e);
        }
    }
}
