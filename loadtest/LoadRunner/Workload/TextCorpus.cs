namespace LoadRunner.Workload;

/// <summary>Sentences to send, read from a file: one a line, the first tab-separated column (a TSV or plain text).</summary>
internal static class TextCorpus
{
    /// <summary>
    /// The distinct non-empty sentences of <paramref name="path"/> in file order. A first line whose first column is
    /// <c>sentence</c> or <c>text</c> is a header (the SST-2 splits have <c>sentence\tlabel</c>) and is skipped.
    /// </summary>
    public static IReadOnlyList<string> Load(string path)
    {
        var sentences = new List<string>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        bool first = true;
        foreach (string line in File.ReadLines(path))
        {
            int tab = line.IndexOf('\t');
            string sentence = (tab >= 0 ? line[..tab] : line).Trim();
            bool header = first && (sentence.Equals("sentence", StringComparison.OrdinalIgnoreCase) || sentence.Equals("text", StringComparison.OrdinalIgnoreCase));
            first = false;
            if (!header && sentence.Length > 0 && seen.Add(sentence))
            {
                sentences.Add(sentence);
            }
        }
        return sentences;
    }
}
