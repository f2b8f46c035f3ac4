namespace PredictionCluster.Api.Payloads;

/// <summary>Where the payload log's records go: an OTLP collector, or a JSON-lines file. Called by the writer only (one thread at a time).</summary>
public interface IPayloadSink : IDisposable
{
    /// <summary>Writes one record; an I/O failure throws.</summary>
    void Write(PayloadEntry entry);

    /// <summary>The queue is empty for now: make what was written visible (a file's lines to a reader).</summary>
    void Flush();
}
