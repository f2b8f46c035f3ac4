namespace PredictionCluster.Api.Drift;

/// <summary>One look at a window: how many predictions it held, and their two indices against the reference.</summary>
public readonly record struct DriftMeasure(int Samples, double LabelPsi, double ScorePsi);
