using PredictionCluster.Grains.Interfaces;
using Microsoft.Extensions.Options;

namespace PredictionCluster.Api.Drift;

/// <summary>
/// Keeps a <see cref="DriftWindow"/> of recent predictions for each served model that has a drift reference, fed by
/// <see cref="Telemetry.ModelQualityMetrics"/> once per answered text. A model without a reference (or from a silo
/// too old to send it) costs one null check. Two windows are kept at most: during a rollout the old and the new model
/// answer side by side, and neither window should be reset each time the other answers.
/// </summary>
public sealed class DriftMonitor(IOptions<DriftOptions> options)
{
    private const int MaxWindows = 2;

    private readonly int _size = options.Value.WindowSize;
    private readonly Lock _gate = new();
    /// <summary>The window that recorded last: the one nearly every text goes to, found without a lock.</summary>
    private volatile DriftWindow? _latest;
    /// <summary>Newest first; replaced whole under <see cref="_gate"/>, read without it.</summary>
    private volatile DriftWindow[] _windows = [];

    /// <summary>Predictions a window must hold before its figures are shown (<see cref="DriftOptions.MinimumSamples"/>).</summary>
    public int MinimumSamples { get; } = options.Value.MinimumSamples;

    /// <summary>The windows of the models seen lately, newest first.</summary>
    public IReadOnlyList<DriftWindow> Windows => _windows;

    /// <summary>Records one answered text of <paramref name="model"/>: its top label's index and its top score.</summary>
    public void Record(ModelDescriptor model, int label, double score)
    {
        if (model.Reference is null)
        {
            return;
        }
        var window = _latest;
        if (window is null || !string.Equals(window.ModelId, model.ModelId, StringComparison.Ordinal))
        {
            window = WindowOf(model);
        }
        window.Record(label, score);
    }

    private DriftWindow WindowOf(ModelDescriptor model)
    {
        lock (_gate)
        {
            var windows = _windows;
            var window = windows.FirstOrDefault(w => w.ModelId == model.ModelId);
            if (window is null)
            {
                window = new DriftWindow(model.ModelId, model.Labels.Count, model.Reference!, _size);
                // The model not seen longest drops out (with its figures): it is no longer served.
                _windows = [window, .. windows.Take(MaxWindows - 1)];
            }
            _latest = window;
            return window;
        }
    }
}
