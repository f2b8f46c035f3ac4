namespace PredictionCluster.Grains.Interfaces;

/// <summary>
/// References to grains of one interface, for the hot path. <see cref="IGrainFactory"/>'s <c>GetGrain&lt;T&gt;(key)</c>
/// resolves the interface's <see cref="GrainInterfaceType"/> on every call, by reflection over its custom attributes
/// and type-name formatting; an uncached text needs two references (its PredictionGrain, then the InferenceGrain), and
/// that lookup was ~5 % of the CPU the service spent outside the model (docs/performance.md). Here the first
/// reference is made by Orleans as before (a client learns grain types only once connected: until then it throws as
/// Orleans does), and its grain and interface types are kept for the next ones.
/// A singleton per interface: <c>services.AddSingleton(typeof(GrainReferenceFactory&lt;&gt;))</c>.
/// </summary>
public sealed class GrainReferenceFactory<TGrainInterface>(IGrainFactory grains) where TGrainInterface : IGrain
{
    // Set once by whichever call gets there first; every racer computes the same pair.
    private GrainTypes? _types;

    /// <summary>The grain with this string key (as <c>GetGrain&lt;T&gt;(string)</c>).</summary>
    public TGrainInterface Get(string key) =>
        _types is { } types ? Create(types, IdSpan.Create(key)) : Remember(grains.GetGrain(typeof(TGrainInterface), key));

    /// <summary>The grain with this integer key (as <c>GetGrain&lt;T&gt;(long)</c>).</summary>
    public TGrainInterface Get(long key) =>
        _types is { } types ? Create(types, GrainIdKeyExtensions.CreateIntegerKey(key)) : Remember(grains.GetGrain(typeof(TGrainInterface), key));

    private TGrainInterface Create(GrainTypes types, IdSpan key) =>
        (TGrainInterface)grains.GetGrain(GrainId.Create(types.Grain, key), types.Interface);

    private TGrainInterface Remember(IGrain grain)
    {
        var reference = (GrainReference)grain;
        _types = new GrainTypes(reference.GrainId.Type, reference.InterfaceType);
        return (TGrainInterface)grain;
    }

    private sealed record GrainTypes(GrainType Grain, GrainInterfaceType Interface);
}
