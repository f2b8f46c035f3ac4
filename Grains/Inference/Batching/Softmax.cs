namespace Grains.Inference.Batching;

/// <summary>Numerically stable softmax over one row of logits.</summary>
internal static class Softmax
{
    public static float[] Compute(ReadOnlySpan<float> logits)
    {
        float max = float.NegativeInfinity;
        foreach (float value in logits)
        {
            max = Math.Max(max, value);
        }
        var scores = new float[logits.Length];
        double sum = 0;
        for (int i = 0; i < logits.Length; i++)
        {
            double e = Math.Exp(logits[i] - max);
            scores[i] = (float)e;
            sum += e;
        }
        for (int i = 0; i < scores.Length; i++)
        {
            scores[i] = (float)(scores[i] / sum);
        }
        return scores;
    }
}
