namespace Metrics;

/// <summary>
/// The tags of a foreign instrument worth exporting, and the label each becomes. Tags not listed are dropped and
/// their series merged, e.g. ASP.NET Core's <c>url.scheme</c> and <c>network.protocol.version</c>.
/// </summary>
public sealed class LabelMap(params (string Tag, string Label)[] labels)
{
    private readonly (string Tag, string Label)[] _labels = labels;

    public bool Keeps(string tag)
    {
        foreach (var (known, _) in _labels)
        {
            if (string.Equals(known, tag, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    public string? LabelName(string tag)
    {
        foreach (var (known, label) in _labels)
        {
            if (string.Equals(known, tag, StringComparison.Ordinal))
            {
                return label;
            }
        }
        return null;
    }
}
