namespace Benchmarks;

/// <summary>One model run: which sentences (indices into the data set), padded to <see cref="Columns"/> tokens.</summary>
internal sealed record PlannedBatch(int[] Sentences, int Columns, int RealTokens)
{
    /// <summary>Token positions the model computes: rows x longest row.</summary>
    public int PaddedTokens => Sentences.Length * Columns;
}
