using System.Text.Json;

namespace PredictionCluster.Inference.Model;

/// <summary>The parts of an HF <c>config.json</c> that change what the service answers.</summary>
public sealed record ModelConfig(IReadOnlyList<string> Labels, int MaxPositionEmbeddings)
{
    /// <summary>Reads <c>id2label</c> (ids 0..n-1, all present) and <c>max_position_embeddings</c>.</summary>
    public static ModelConfig Parse(string path)
    {
        using var document = ParseDocument(path);
        var root = document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            throw new ModelLoadException($"{path}: expected a JSON object.");
        }

        if (!root.TryGetProperty("id2label", out var id2label) || id2label.ValueKind != JsonValueKind.Object)
        {
            throw new ModelLoadException($"{path}: 'id2label' is missing; the service needs the label names.");
        }
        var labels = new SortedDictionary<int, string>();
        foreach (var property in id2label.EnumerateObject())
        {
            if (!int.TryParse(property.Name, out int id) || id < 0 || property.Value.ValueKind != JsonValueKind.String)
            {
                throw new ModelLoadException($"{path}: 'id2label' entry '{property.Name}' must map a non-negative integer to a string.");
            }
            labels[id] = property.Value.GetString()!;
        }
        if (labels.Count < 2 || labels.Keys.Last() != labels.Count - 1)
        {
            throw new ModelLoadException($"{path}: 'id2label' must name labels 0..n-1 with n >= 2.");
        }

        int maxPositions = 512;
        if (root.TryGetProperty("max_position_embeddings", out var positions))
        {
            if (!positions.TryGetInt32(out maxPositions) || maxPositions < 2)
            {
                throw new ModelLoadException($"{path}: 'max_position_embeddings' must be an integer >= 2.");
            }
        }
        return new ModelConfig(labels.Values.ToArray(), maxPositions);
    }

    private static JsonDocument ParseDocument(string path)
    {
        try
        {
            using var stream = File.OpenRead(path);
            return JsonDocument.Parse(stream);
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"{path}: not valid JSON ({e.Message}).", e);
        }
    }
}
