using Microsoft.Extensions.Options;

namespace PredictionCluster.Api.Drift;

/// <summary>
/// Compares each model's window with the threshold every <see cref="DriftOptions.CheckInterval"/> and logs a warning
/// when an index goes over it, an information when it comes back under: once per crossing, not per check. Drift is a
/// question about the traffic or the model, not about whether this process can serve, so it never touches readiness.
/// </summary>
public sealed partial class DriftWatch(DriftMonitor monitor, IOptions<DriftOptions> options, TimeProvider time, ILogger<DriftWatch> logger)
    : BackgroundService
{
    private readonly DriftOptions _options = options.Value;
    private long _checks;

    /// <summary>Checks done so far (tests wait on it to know the window has been looked at).</summary>
    internal long Checks => Interlocked.Read(ref _checks);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_options.CheckInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                Check();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One check of every window (a pass over each ring).</summary>
    internal void Check()
    {
        foreach (var window in monitor.Windows)
        {
            var measure = window.Measure();
            if (measure.Samples < _options.MinimumSamples)
            {
                continue;
            }
            window.LabelOver = Compare(window, "label mix", measure.LabelPsi, measure.Samples, window.LabelOver);
            window.ScoreOver = Compare(window, "top-score histogram", measure.ScorePsi, measure.Samples, window.ScoreOver);
        }
        Interlocked.Increment(ref _checks);
    }

    private bool Compare(DriftWindow window, string measure, double psi, int samples, bool wasOver)
    {
        bool over = psi > _options.Threshold;
        if (over && !wasOver)
        {
            LogOver(window.ModelId, measure, psi, _options.Threshold, samples);
        }
        else if (!over && wasOver)
        {
            LogBack(window.ModelId, measure, psi, _options.Threshold, samples);
        }
        return over;
    }

    [LoggerMessage(Level = LogLevel.Warning,
        Message = "Prediction drift on model {ModelId}: the {Measure} of the last {Samples} predictions has a population stability index of {Psi:F3} against the model's reference, over the threshold {Threshold} (readiness is unaffected)")]
    private partial void LogOver(string modelId, string measure, double psi, double threshold, int samples);

    [LoggerMessage(Level = LogLevel.Information,
        Message = "Prediction drift on model {ModelId}: the {Measure} of the last {Samples} predictions is back under the threshold {Threshold} (population stability index {Psi:F3})")]
    private partial void LogBack(string modelId, string measure, double psi, double threshold, int samples);
}
