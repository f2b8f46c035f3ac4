namespace PredictionCluster.Inference.Model;

/// <summary>
/// The predicted label of a text: the index of its highest score, the first of equal scores. One rule for every place
/// that names a prediction (the quality metrics, the drift reference and window, the payload log), so they agree.
/// </summary>
public static class TopLabel
{
    public static int IndexOf(ReadOnlySpan<float> scores)
    {
        int top = 0;
        for (int i = 1; i < scores.Length; i++)
        {
            if (scores[i] > scores[top])
            {
                top = i;
            }
        }
        return top;
    }
}
