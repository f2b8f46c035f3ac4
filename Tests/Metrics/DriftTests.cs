using System.Net;
using PredictionCluster.Api.Drift;
using PredictionCluster.Inference.Drift;
using Tests.Infrastructure;

namespace Tests.Metrics;

/// <summary>
/// Prediction drift (issue 24 item 2) through real HTTP over the default model and the reference setup.sh wrote for
/// it: SST-2 dev replayed is the reference itself, so both indices are near zero and nothing is logged; only its
/// negative sentences shift the label mix far over the threshold, which logs a warning and leaves readiness alone.
/// </summary>
public sealed class DriftTests(DriftFixture fixture) : IClassFixture<DriftFixture>
{
    private const string LabelPsi = "model_drift_label_psi";
    private const string ScorePsi = "model_drift_score_psi";

    [Fact]
    public void Replaying_sst2_dev_gives_indices_near_zero_and_no_warning()
    {
        string model = ModelOf(fixture.AfterDev);
        double label = fixture.AfterDev.Family(LabelPsi).Value(LabelPsi, ("model_id", model));
        double score = fixture.AfterDev.Family(ScorePsi).Value(ScorePsi, ("model_id", model));

        Assert.InRange(label, 0, 0.1);
        Assert.InRange(score, 0, 0.1);
        Assert.Empty(fixture.WarningsAfterDev);
    }

    [Fact]
    public async Task Replaying_only_negative_sentences_goes_over_the_threshold_with_a_warning_and_stays_ready()
    {
        string[] negatives = File.ReadLines(RepositoryPaths.Sst2Dev).Skip(1).Select(line => line.Split('\t'))
            .Where(columns => columns[1] == "0").Select(columns => columns[0]).ToArray();
        Assert.True(negatives.Length < DriftApiFactory.WindowSize);

        // Until the window holds nothing else (answered by the near cache since the fixture's replay: no inference).
        for (int answered = 0; answered < DriftApiFactory.WindowSize; answered += negatives.Length)
        {
            await fixture.ReplayAsync(negatives);
        }
        var families = await Scrape.FamiliesAsync(fixture.Client);
        string model = ModelOf(families);
        double label = families.Family(LabelPsi).Value(LabelPsi, ("model_id", model));

        Assert.True(label > new DriftOptions().Threshold, $"label PSI {label} should be over the default threshold");
        await WaitUntil.TrueAsync(() => LabelWarnings().Length > 0, TimeSpan.FromSeconds(10), "the drift warning");
        var warning = LabelWarnings().First();
        Assert.Contains(model, warning);
        Assert.Contains("0.25", warning);
        using var ready = await fixture.Client.GetAsync("/health/ready");
        Assert.Equal(HttpStatusCode.OK, ready.StatusCode);

        // Once per crossing: later checks over the threshold say nothing more.
        long checks = fixture.Watch.Checks;
        await WaitUntil.TrueAsync(() => fixture.Watch.Checks >= checks + 3, TimeSpan.FromSeconds(10), "three more drift checks");
        Assert.Single(LabelWarnings());
    }

    private string[] LabelWarnings() => fixture.DriftWarnings().Where(w => w.Contains("label mix", StringComparison.Ordinal)).ToArray();

    private static string ModelOf(IReadOnlyList<ParsedFamily> families)
    {
        Assert.True(File.Exists(Path.Combine(RepositoryPaths.DefaultModel, DriftReference.FileName)),
            "models/default/reference.json is missing: run scripts/setup.sh");
        return families.Family(LabelPsi).Samples.Select(s => s.Labels["model_id"]).Distinct().Single();
    }
}
