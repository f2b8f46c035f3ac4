namespace Grains.Membership;

/// <summary>One entry of a static member list: the silo's id and its internal endpoint.</summary>
public sealed class StaticSilo
{
    public string Id { get; set; } = "";

    public string Url { get; set; } = "";
}
