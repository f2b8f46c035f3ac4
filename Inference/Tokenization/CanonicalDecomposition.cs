using System.Text;

namespace PredictionCluster.Inference.Tokenization;

/// <summary>
/// Full canonical decomposition (the per-character part of NFD) of one scalar value.
/// We cannot use string.Normalize: under InvariantGlobalization=true it returns its input
/// unchanged, which would silently keep every accent. The table is generated from ICU data
/// (see generate-decomposition-table.mjs); Hangul syllables are decomposed arithmetically.
/// Canonical reordering of combining marks is not performed: BERT drops every nonspacing mark
/// right after decomposing, so the order of marks cannot change the outcome in practice.
/// </summary>
internal static partial class CanonicalDecomposition
{
    // Unicode's Hangul syllable composition constants (Unicode standard, section 3.12).
    private const int SBase = 0xAC00, LBase = 0x1100, VBase = 0x1161, TBase = 0x11A7;
    private const int VCount = 21, TCount = 28, NCount = VCount * TCount, SCount = 19 * NCount;

    // Nothing below U+00C0 decomposes; this keeps ASCII and Latin-1 punctuation off the table lookup.
    private const int FirstDecomposable = 0xC0;

    /// <summary>The longest decomposition of one scalar value, in UTF-16 code units.</summary>
    public const int MaxDecompositionLength = 8;

    /// <summary>
    /// Writes the decomposition of <paramref name="rune"/> into <paramref name="destination"/>
    /// (at least <see cref="MaxDecompositionLength"/> long) and returns its length in UTF-16 units.
    /// </summary>
    public static int Decompose(Rune rune, Span<char> destination)
    {
        int value = rune.Value;
        if (value < FirstDecomposable)
        {
            return rune.EncodeToUtf16(destination);
        }

        int syllable = value - SBase;
        if ((uint)syllable < SCount)
        {
            destination[0] = (char)(LBase + syllable / NCount);
            destination[1] = (char)(VBase + syllable % NCount / TCount);
            int trailing = syllable % TCount;
            if (trailing == 0)
            {
                return 2;
            }

            destination[2] = (char)(TBase + trailing);
            return 3;
        }

        int index = FindKey(value);
        if (index < 0)
        {
            return rune.EncodeToUtf16(destination);
        }

        int start = Starts[index];
        int length = Starts[index + 1] - start;
        ReadOnlySpan<ushort> units = Data.AsSpan(start, length);
        for (int i = 0; i < units.Length; i++)
        {
            destination[i] = (char)units[i];
        }

        return length;
    }

    // Hand-written because MemoryExtensions.BinarySearch(span, value) boxes the value (an allocation per call).
    private static int FindKey(int value)
    {
        ReadOnlySpan<int> keys = Keys;
        int low = 0;
        int high = keys.Length - 1;
        while (low <= high)
        {
            int middle = (int)((uint)(low + high) >> 1);
            int key = keys[middle];
            if (key == value)
            {
                return middle;
            }

            if (key < value)
            {
                low = middle + 1;
            }
            else
            {
                high = middle - 1;
            }
        }

        return -1;
    }

    /// <summary>The longest entry of the generated table, for the test that guards <see cref="MaxDecompositionLength"/>.</summary>
    internal static int LongestTableEntry()
    {
        int longest = 0;
        for (int i = 0; i + 1 < Starts.Length; i++)
        {
            longest = Math.Max(longest, Starts[i + 1] - Starts[i]);
        }

        return longest;
    }
}
