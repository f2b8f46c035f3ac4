namespace Benchmarks;

/// <summary>
/// The texts of a memory stream: text <c>i</c> is a short sentence of seven words, a few words chosen by <c>i</c> and
/// <c>i</c> itself in digits, so every index gives a distinct text and every run the same texts. Short on purpose:
/// the small lexicon model then scores them cheaply, and what is measured is the service holding predictions.
/// </summary>
internal static class UniqueTexts
{
    /// <summary>The longest text <see cref="Format"/> writes (a long index has at most 19 digits).</summary>
    public const int MaxLength = 64;

    // Words of the VADER lexicon and plain ones, so texts get different scores; their counts are coprime,
    // so the combinations cycle slowly (the index alone keeps texts distinct).
    private static readonly string[] Subjects = ["the film", "this book", "our trip", "the meal", "that song", "my day", "the show"];
    private static readonly string[] Verdicts = ["was good", "felt bad", "was great", "seemed dull", "was fine", "felt sad", "was lovely", "seemed odd", "was awful", "felt nice", "was okay"];

    /// <summary>Writes text <paramref name="index"/> into <paramref name="destination"/> (at least <see cref="MaxLength"/> chars); returns its length.</summary>
    public static int Format(long index, Span<char> destination)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(index);
        var written = destination.TryWrite(System.Globalization.CultureInfo.InvariantCulture,
            $"{Subjects[index % Subjects.Length]} number {index} {Verdicts[index / Subjects.Length % Verdicts.Length]}", out int length);
        return written ? length : throw new ArgumentException($"The destination holds {destination.Length} chars; text {index} needs more.", nameof(destination));
    }

    public static string Get(long index)
    {
        Span<char> text = stackalloc char[MaxLength];
        return new string(text[..Format(index, text)]);
    }
}
