using System.Globalization;
using PredictionCluster.Grains.Interfaces;

namespace PredictionCluster.Api.Apis;

/// <summary>
/// The <c>Server-Timing</c> header of an answered <c>POST /predict</c> (W3C Server Timing, durations in
/// milliseconds): <c>total</c> is the request in the handler, from reading the body to the answer ready to write;
/// when the model ran, <c>queue</c> and <c>inference</c> are those of the text that took longest in the engine (the
/// request's critical path), so <c>queue + inference ≤ total</c>. A request answered from caches has <c>total</c> only.
/// </summary>
internal static class ServerTiming
{
    public const string Header = "Server-Timing";

    public static string Format(ReadOnlySpan<PredictionResult> results, TimeSpan total)
    {
        TimeSpan queued = default, inference = default;
        bool inferred = false;
        foreach (var result in results)
        {
            if (result.Source == PredictionSource.Inference && (!inferred || result.Queued + result.Inference > queued + inference))
            {
                (queued, inference, inferred) = (result.Queued, result.Inference, true);
            }
        }
        return inferred
            ? string.Create(CultureInfo.InvariantCulture, $"queue;dur={queued.TotalMilliseconds:0.###}, inference;dur={inference.TotalMilliseconds:0.###}, total;dur={total.TotalMilliseconds:0.###}")
            : string.Create(CultureInfo.InvariantCulture, $"total;dur={total.TotalMilliseconds:0.###}");
    }
}
