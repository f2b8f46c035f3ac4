using System.Text.Json;
using System.Text.Json.Serialization;
using PredictionCluster.Inference.Model;

namespace PredictionCluster.Inference.Drift;

/// <summary>
/// What a model answered on a reference set when it was built (<c>reference.json</c> in its directory): how many
/// texts got each label as their top label, and how many top scores fell in each <see cref="ScoreBounds"/> bucket.
/// The service compares its recent predictions against it (population stability index). Counts, not fractions, so
/// the file is exact and says how large the reference was. Format: docs/operations.md, "Prediction drift".
/// </summary>
/// <param name="Format">The file's format version (<see cref="CurrentFormat"/>); a reader refuses others.</param>
/// <param name="ModelId">The id of the model it was computed with (<see cref="ModelDirectory.ModelId"/>, truncation included).</param>
/// <param name="Source">The reference set (e.g. eval/data/sst2/dev.tsv), for people.</param>
/// <param name="Labels">The model's labels, in output order (must equal config.json's).</param>
/// <param name="LabelCounts">Texts whose top label was <c>Labels[i]</c>.</param>
/// <param name="ScoreBounds">Upper bounds of the top-score buckets, ascending (upper-inclusive).</param>
/// <param name="ScoreCounts">Texts per top-score bucket: one per bound, then one above the last bound.</param>
public sealed record DriftReference(
    int Format,
    string ModelId,
    string Source,
    IReadOnlyList<string> Labels,
    IReadOnlyList<long> LabelCounts,
    IReadOnlyList<double> ScoreBounds,
    IReadOnlyList<long> ScoreCounts)
{
    public const string FileName = "reference.json";
    public const int CurrentFormat = 1;

    /// <summary>Texts in the reference.</summary>
    [JsonIgnore]
    public long Samples => LabelCounts.Sum();

    /// <summary>
    /// Reads and checks <paramref name="path"/> against the model's <paramref name="config"/>. Anything malformed is a
    /// <see cref="ModelLoadException"/>: a model directory with a broken file is a broken build, refused at startup
    /// like a broken config.json, rather than served with drift figures that silently mean nothing.
    /// </summary>
    public static DriftReference Read(string path, ModelConfig config)
    {
        DriftReference? reference;
        try
        {
            using var stream = File.OpenRead(path);
            reference = JsonSerializer.Deserialize(stream, DriftReferenceJsonContext.Default.DriftReference);
        }
        catch (JsonException e)
        {
            throw new ModelLoadException($"{path}: not a drift reference ({e.Message}). Rebuild it (scripts/setup.sh) or delete it to serve without drift figures.", e);
        }
        if (reference is null)
        {
            throw new ModelLoadException($"{path}: not a drift reference (null).");
        }
        if (reference.Problem(config) is { } problem)
        {
            throw new ModelLoadException($"{path}: {problem}. Rebuild it (scripts/setup.sh) or delete it to serve without drift figures.");
        }
        return reference;
    }

    /// <summary>Writes the file (indented, for people and diffs) through a temporary file, so a reader never sees half of it.</summary>
    public void Write(string path)
    {
        string temporary = path + ".tmp";
        using (var stream = File.Create(temporary))
        {
            JsonSerializer.Serialize(stream, this, DriftReferenceJsonContext.Default.DriftReference);
        }
        File.Move(temporary, path, overwrite: true);
    }

    /// <summary>What makes this reference unusable with a model of <paramref name="config"/>; null when nothing does.</summary>
    private string? Problem(ModelConfig config)
    {
        if (Format != CurrentFormat)
        {
            return $"format {Format} is not {CurrentFormat}";
        }
        if (!Labels.SequenceEqual(config.Labels, StringComparer.Ordinal))
        {
            return $"labels [{string.Join(", ", Labels)}] are not config.json's [{string.Join(", ", config.Labels)}]";
        }
        if (LabelCounts.Count != Labels.Count || LabelCounts.Any(c => c < 0))
        {
            return $"label_counts needs one non-negative count per label ({Labels.Count})";
        }
        if (ScoreBounds.Count == 0 || ScoreBounds.Any(b => !double.IsFinite(b)) || ScoreBounds.Zip(ScoreBounds.Skip(1)).Any(p => p.First >= p.Second))
        {
            return "score_bounds must be finite and strictly ascending";
        }
        if (ScoreCounts.Count != ScoreBounds.Count + 1 || ScoreCounts.Any(c => c < 0))
        {
            return $"score_counts needs one non-negative count per bucket ({ScoreBounds.Count + 1}: one per bound and one above)";
        }
        long samples = Samples;
        if (samples == 0 || ScoreCounts.Sum() != samples)
        {
            return $"label_counts ({samples} texts) and score_counts ({ScoreCounts.Sum()}) must count the same texts, at least one";
        }
        return null;
    }
}
