namespace PredictionCluster.Inference.Batching;

/// <summary>Numerically stable softmax over one row of logits.</summary>
internal static class Softmax
{
    /// <summary>
    /// The scores of <paramref name="logits"/>, or false when a logit is not finite. An infinite or NaN logit is a
    /// model fault, not an extreme answer: its "probabilities" would be NaN (inf - inf), and a NaN must never be
    /// cached or served, so the caller fails the text instead.
    /// </summary>
    public static bool TryCompute(ReadOnlySpan<float> logits, out float[] scores)
    {
        double max = double.NegativeInfinity;
        foreach (float value in logits)
        {
            if (!float.IsFinite(value))
            {
                scores = [];
                return false;
            }
            max = Math.Max(max, value);
        }
        // Subtracting the largest logit keeps every exponent <= 0 (no overflow) and one of them exactly 1, so the
        // sum is in [1, n]; in double, logits near float.MaxValue apart still subtract without overflow.
        scores = new float[logits.Length];
        double sum = 0;
        Span<double> exps = logits.Length <= 64 ? stackalloc double[logits.Length] : new double[logits.Length];
        for (int i = 0; i < logits.Length; i++)
        {
            exps[i] = Math.Exp(logits[i] - max);
            sum += exps[i];
        }
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = (float)(exps[i] / sum);
        }
        return true;
    }

    /// <summary>The scores of <paramref name="logits"/>; throws when a logit is not finite (see <see cref="TryCompute"/>).</summary>
    public static float[] Compute(ReadOnlySpan<float> logits) =>
        TryCompute(logits, out var scores) ? scores : throw new ArgumentException("A logit is infinite or NaN.", nameof(logits));
}
