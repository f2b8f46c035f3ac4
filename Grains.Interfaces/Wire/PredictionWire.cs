namespace Grains.Interfaces.Wire;

/// <summary>
/// Constants of the internal API→silo call: paths, the media type of the binary batch format
/// (<see cref="PredictionRequestCodec"/>, <see cref="PredictionResponseCodec"/>), the header that carries
/// the cluster's shared secret, and the limits both sides enforce.
/// </summary>
public static class PredictionWire
{
    /// <summary>Media type of request and response bodies; the version in it moves with <see cref="Version"/>.</summary>
    public const string ContentType = "application/vnd.prediction-cluster.batch.v1";

    /// <summary>Request header holding the shared secret (<c>Cluster:Key</c>); every internal call must carry it.</summary>
    public const string ClusterKeyHeader = "X-Cluster-Key";

    /// <summary><c>POST</c>: score a batch of keyed texts.</summary>
    public const string PredictPath = "/internal/predict";

    /// <summary><c>GET</c>: the silo's <see cref="ModelDescriptor"/> as JSON.</summary>
    public const string ModelPath = "/internal/model";

    /// <summary>A silo's metric families as JSON, read by the API's operator dashboard.</summary>
    public const string StatsPath = "/internal/stats";

    /// <summary>Format version, the second byte of every message. A reader refuses any other.</summary>
    public const byte Version = 1;

    /// <summary>
    /// Items (and so results) in one message at most. Above the largest <c>Api:MaxTexts</c> the API accepts, so
    /// one API request always fits one call per silo; a reader refuses more before allocating anything.
    /// </summary>
    public const int MaxItems = 131_072;

    /// <summary>Request body bytes the silo accepts (413 beyond); a caller with a larger batch must split it.</summary>
    public const int MaxRequestBytes = 16 * 1024 * 1024;

    /// <summary>UTF-8 bytes of a model id at most (ids are hex content hashes, far shorter).</summary>
    public const int MaxModelIdBytes = 255;

    /// <summary>
    /// Whether a Content-Type header value names <see cref="ContentType"/> (case-insensitive, parameters allowed),
    /// without allocating.
    /// </summary>
    public static bool IsContentType(string? value)
    {
        if (value is null || !value.StartsWith(ContentType, StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }
        ReadOnlySpan<char> rest = value.AsSpan(ContentType.Length).TrimStart(' ');
        return rest.IsEmpty || rest[0] == ';';
    }
}
