using YamlDotNet.RepresentationModel;

namespace Tests.Helm;

/// <summary>Navigation over YamlDotNet's representation model: a missing key reads as null or an empty sequence.</summary>
public static class YamlNodes
{
    public static YamlNode? At(this YamlNode? node, params string[] path)
    {
        foreach (var key in path)
        {
            if (node is not YamlMappingNode map || !map.Children.TryGetValue(new YamlScalarNode(key), out node))
            {
                return null;
            }
        }
        return node;
    }

    public static string? Text(this YamlNode? node, params string[] path) => (node.At(path) as YamlScalarNode)?.Value;

    public static int? Int(this YamlNode? node, params string[] path) => node.Text(path) is { } text ? int.Parse(text) : null;

    public static IEnumerable<YamlNode> Items(this YamlNode? node, params string[] path) =>
        node.At(path) is YamlSequenceNode sequence ? sequence.Children : [];

    /// <summary>A mapping of scalars (labels, selectors, ConfigMap data) as a dictionary; empty when missing.</summary>
    public static Dictionary<string, string> Strings(this YamlNode? node, params string[] path) =>
        node.At(path) is YamlMappingNode map
            ? map.Children.ToDictionary(p => ((YamlScalarNode)p.Key).Value!, p => (p.Value as YamlScalarNode)?.Value ?? "")
            : [];

    /// <summary>Whether every label of <paramref name="selector"/> is on <paramref name="labels"/> (an empty selector selects nothing here).</summary>
    public static bool Selects(this IReadOnlyDictionary<string, string> selector, IReadOnlyDictionary<string, string> labels) =>
        selector.Count > 0 && selector.All(p => labels.TryGetValue(p.Key, out var value) && value == p.Value);
}
