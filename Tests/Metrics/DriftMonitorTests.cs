using PredictionCluster.Api.Drift;
using PredictionCluster.Api.Hosting;
using PredictionCluster.Grains.Interfaces;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Tests.Api;
using Tests.Infrastructure;

namespace Tests.Metrics;

/// <summary>
/// The windows per model (a rollout's two models each keep theirs; a model without a reference costs nothing), the
/// watch's log lines (once per crossing, back under as information), and the options' checks at startup.
/// </summary>
public sealed class DriftMonitorTests
{
    // Half each label; every top score above 0.5 (one bucket), so only the label mix can move.
    private static readonly ModelReference HalfHalf = new([50, 50], [0.5], [0, 100]);

    private static ModelDescriptor Model(string id, ModelReference? reference = null) => new(id, ["NEGATIVE", "POSITIVE"], 256, Reference: reference);

    [Fact]
    public void Each_model_with_a_reference_has_its_window_and_two_are_kept()
    {
        var monitor = new DriftMonitor(Options.Create(new DriftOptions { WindowSize = 10, MinimumSamples = 1 }));

        monitor.Record(Model("none"), 0, 0.7);
        Assert.Empty(monitor.Windows);

        // A rollout: old and new model answer in turn; neither window is reset by the other.
        for (int i = 0; i < 3; i++)
        {
            monitor.Record(Model("old", HalfHalf), 0, 0.7);
            monitor.Record(Model("new", HalfHalf), 1, 0.95);
        }
        Assert.Equal(["new", "old"], monitor.Windows.Select(w => w.ModelId));
        Assert.Equal(3, monitor.Windows.Single(w => w.ModelId == "old").Measure().Samples);
        Assert.Equal(3, monitor.Windows.Single(w => w.ModelId == "new").Measure().Samples);

        // A third model: the one not seen longest drops out.
        monitor.Record(Model("newer", HalfHalf), 0, 0.7);
        Assert.Equal(["newer", "new"], monitor.Windows.Select(w => w.ModelId));
    }

    [Fact]
    public void The_watch_warns_once_per_crossing_and_says_when_it_is_back_under()
    {
        using var logs = new CapturedLogs();
        using var loggers = LoggerFactory.Create(logging => logging.AddProvider(logs));
        var options = Options.Create(new DriftOptions { WindowSize = 10, MinimumSamples = 10, Threshold = 0.25 });
        var monitor = new DriftMonitor(options);
        var watch = new DriftWatch(monitor, options, TimeProvider.System, loggers.CreateLogger<DriftWatch>());
        var model = Model("m", HalfHalf);

        // Nine of ten: under MinimumSamples, nothing is said however far the mix is.
        Record(monitor, model, negatives: 9, positives: 0);
        watch.Check();
        Assert.Empty(logs.Entries);

        // Ten negatives of ten: label PSI (1 - 0.5) ln(1 / 0.5) + (1e-4 - 0.5) ln(1e-4 / 0.5) ≈ 4.6, over; checked twice, warned once.
        Record(monitor, model, negatives: 1, positives: 0);
        watch.Check();
        watch.Check();
        var warning = Assert.Single(logs.Entries);
        Assert.Equal(LogLevel.Warning, warning.Level);
        Assert.Contains("label mix", warning.Message);

        // Half and half again: back under, said once at Information.
        Record(monitor, model, negatives: 5, positives: 5);
        watch.Check();
        watch.Check();
        Assert.Equal([LogLevel.Warning, LogLevel.Information], logs.Entries.Select(e => e.Level));
        Assert.Contains("back under", logs.Entries[1].Message);
    }

    [Fact]
    public async Task A_bad_drift_setting_stops_startup_naming_it()
    {
        var settings = new Dictionary<string, string?>
        {
            ["Model:Path"] = RepositoryPaths.LexiconModel,
            ["Urls"] = "http://127.0.0.1:0",
            ["Drift:MinimumSamples"] = "2000",
        };

        var failure = await Assert.ThrowsAsync<OptionsValidationException>(async () =>
        {
            await using var app = ApiHost.Build([], settings);
            await app.StartAsync();
        });

        Assert.Contains("Drift:MinimumSamples (2000) cannot exceed Drift:WindowSize (1000)", failure.Message);
    }

    [Theory]
    [InlineData(nameof(DriftOptions.CheckInterval), "00:00:00", "Drift:CheckInterval")]
    [InlineData(nameof(DriftOptions.Threshold), "0", "Threshold")]
    [InlineData(nameof(DriftOptions.WindowSize), "1", "WindowSize")]
    [InlineData(nameof(DriftOptions.MinimumSamples), "0", "MinimumSamples")]
    public void Each_drift_setting_is_checked(string property, string value, string named)
    {
        var options = new DriftOptions();
        var target = typeof(DriftOptions).GetProperty(property)!;
        target.SetValue(options, System.ComponentModel.TypeDescriptor.GetConverter(target.PropertyType).ConvertFromInvariantString(value));

        var result = new DataAnnotationValidateOptions<DriftOptions>(null).Validate(null, options);

        Assert.True(result.Failed);
        Assert.Contains(named, result.FailureMessage);
        Assert.False(new DataAnnotationValidateOptions<DriftOptions>(null).Validate(null, new DriftOptions()).Failed);
    }

    private static void Record(DriftMonitor monitor, ModelDescriptor model, int negatives, int positives)
    {
        for (int i = 0; i < negatives; i++)
        {
            monitor.Record(model, 0, 0.7);
        }
        for (int i = 0; i < positives; i++)
        {
            monitor.Record(model, 1, 0.95);
        }
    }
}
