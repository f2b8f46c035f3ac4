namespace Inference.Tokenization;

/// <summary>
/// A WordPiece vocab.txt: one token per line, the id is the line index (0-based). Like Hugging Face's
/// loaders, trailing whitespace (including a Windows \r) is trimmed and a token listed twice keeps its
/// last line's id; the id space stays the number of lines, since that is what the model's embedding matrix has.
/// </summary>
internal sealed class Vocabulary
{
    private Vocabulary(string[] tokensById, Dictionary<string, int> idsByToken)
    {
        TokensById = tokensById;
        IdsByToken = idsByToken;
    }

    public IReadOnlyList<string> TokensById { get; }

    public IReadOnlyDictionary<string, int> IdsByToken { get; }

    public static Vocabulary Load(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"WordPiece vocabulary file '{path}' does not exist.", path);
        }

        // File.ReadAllLines detects and skips a UTF-8 byte order mark, and yields no empty last
        // line for a file that ends with a newline.
        string[] lines = File.ReadAllLines(path);
        if (lines.Length == 0)
        {
            throw new InvalidDataException($"WordPiece vocabulary file '{path}' is empty.");
        }

        var idsByToken = new Dictionary<string, int>(lines.Length, StringComparer.Ordinal);
        for (int id = 0; id < lines.Length; id++)
        {
            lines[id] = lines[id].TrimEnd();
            idsByToken[lines[id]] = id;
        }

        return new Vocabulary(lines, idsByToken);
    }

    /// <summary>The id of a token the tokenizer cannot work without, or a clear error naming the file.</summary>
    public int GetRequiredId(string token, string path) =>
        IdsByToken.TryGetValue(token, out int id)
            ? id
            : throw new InvalidDataException(
                $"WordPiece vocabulary file '{path}' lacks the special token {token}; is it a BERT vocab.txt?");
}
