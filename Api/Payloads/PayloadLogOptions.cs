using System.ComponentModel.DataAnnotations;

namespace PredictionCluster.Api.Payloads;

/// <summary>
/// The sampled payload log: a fraction of answered requests leaves one record per text (the model's id, the text's
/// key, the text only when asked, the scores, the tier, the latency), for a team that improves the model from real
/// traffic. Off unless <see cref="SampleRate"/> is above 0. Section <c>PayloadLog</c>.
/// </summary>
public sealed class PayloadLogOptions
{
    public const string SectionName = "PayloadLog";

    /// <summary>The share of answered requests whose texts are recorded, decided once per request; 0 = off.</summary>
    [Range(0.0, 1.0)]
    public double SampleRate { get; set; }

    /// <summary>Records carry the text itself; otherwise only its key (a SHA-256) and its length.</summary>
    public bool IncludeText { get; set; }

    /// <summary>Records per second at most (a token bucket holding one second's worth); past it texts are dropped and counted.</summary>
    [Range(1, 1_000_000)]
    public int MaxRecordsPerSecond { get; set; } = 100;

    /// <summary>Records waiting for the writer at most; when it is full a record is dropped and counted, the request never waits.</summary>
    [Range(1, 1_000_000)]
    public int QueueCapacity { get; set; } = 10_000;

    /// <summary>
    /// The JSON-lines file written when no OTLP endpoint is set: empty = <c>prediction-payload.jsonl</c> in the
    /// temporary directory (<c>TMPDIR</c>, <c>/tmp</c>: the one place the container writes); a relative path is under
    /// the content root.
    /// </summary>
    public string FilePath { get; set; } = "";

    /// <summary>The file's size at which it is renamed to <c>{FilePath}.1</c> (replacing the previous one) and started anew.</summary>
    [Range(4096, long.MaxValue)]
    public long MaxFileBytes { get; set; } = 100L << 20;
}
