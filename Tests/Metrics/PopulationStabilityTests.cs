using PredictionCluster.Api.Drift;
using PredictionCluster.Grains.Interfaces;

namespace Tests.Metrics;

/// <summary>The population stability index on distributions small enough to compute by hand, and the window that feeds it.</summary>
public sealed class PopulationStabilityTests
{
    [Fact]
    public void Equal_distributions_have_index_zero_whatever_the_counts()
    {
        Assert.Equal(0, PopulationStability.Index([50, 50], [50, 50]));
        Assert.Equal(0, PopulationStability.Index([1, 3, 6], [10, 30, 60]), 12);
    }

    [Fact]
    public void A_shift_from_half_half_to_eighty_twenty_is_three_tenths_of_ln_4()
    {
        // (0.8 - 0.5) ln(0.8 / 0.5) + (0.2 - 0.5) ln(0.2 / 0.5) = 0.3 (ln 1.6 - ln 0.4) = 0.3 ln 4 ≈ 0.4159
        double expected = 0.3 * Math.Log(4);

        Assert.Equal(expected, PopulationStability.Index([50, 50], [80, 20]), 12);
        Assert.Equal(expected, PopulationStability.Index([80, 20], [50, 50]), 12); // symmetric
        Assert.Equal(expected, PopulationStability.Index([5, 5], [800, 200]), 12); // fractions, not counts
    }

    [Fact]
    public void A_small_shift_stays_under_the_stable_reading_of_one_tenth()
    {
        // 0.05 ln(0.55 / 0.5) - 0.05 ln(0.45 / 0.5) = 0.05 ln(11 / 9) ≈ 0.0100
        Assert.Equal(0.05 * Math.Log(11.0 / 9.0), PopulationStability.Index([50, 50], [55, 45]), 12);
    }

    [Fact]
    public void An_empty_bin_counts_as_epsilon_and_a_bin_empty_on_both_sides_adds_nothing()
    {
        // expected (1, 0 -> 1e-4), actual (0.5, 0.5): (0.5 - 1) ln(0.5 / 1) + (0.5 - 1e-4) ln(0.5 / 1e-4)
        double oneSided = -0.5 * Math.Log(0.5) + (0.5 - 1e-4) * Math.Log(0.5 / 1e-4);
        Assert.Equal(oneSided, PopulationStability.Index([100, 0], [50, 50]), 12);
        Assert.Equal(0.3 * Math.Log(4), PopulationStability.Index([50, 50, 0], [80, 20, 0]), 12);
    }

    [Fact]
    public void Nothing_counted_is_no_drift_and_bins_must_match()
    {
        Assert.Equal(0, PopulationStability.Index([50, 50], [0, 0]));
        Assert.Throws<ArgumentException>(() => PopulationStability.Index([50, 50], [1, 2, 3]));
    }

    [Fact]
    public void The_window_keeps_the_last_predictions_only()
    {
        // Two labels; buckets (-inf, 0.5], (0.5, 0.9], (0.9, +inf); the reference: half each label, all scores in (0.5, 0.9].
        var window = new DriftWindow("model", 2, new ModelReference([5, 5], [0.5, 0.9], [0, 10, 0]), size: 4);
        Assert.Equal(new DriftMeasure(0, 0, 0), window.Measure());

        // Six predictions into four slots: the two first (label 1, score 0.99) drop out.
        window.Record(1, 0.99);
        window.Record(1, 0.99);
        window.Record(0, 0.6);
        window.Record(0, 0.6);
        window.Record(0, 0.6);
        window.Record(1, 0.9); // upper bounds are inclusive: (0.5, 0.9]
        var measure = window.Measure();

        Assert.Equal(4, measure.Samples);
        Assert.Equal(PopulationStability.Index([5, 5], [3, 1]), measure.LabelPsi, 12);
        Assert.Equal(0, measure.ScorePsi, 12);
    }

    [Fact]
    public void A_reference_of_another_shape_than_the_model_records_nothing()
    {
        var window = new DriftWindow("model", 3, new ModelReference([5, 5], [0.5], [5, 5]), size: 4);
        window.Record(0, 0.7);

        Assert.False(window.IsUsable);
        Assert.Equal(0, window.Measure().Samples);
    }
}
