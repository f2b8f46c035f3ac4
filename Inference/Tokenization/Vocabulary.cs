using System.Text;

namespace PredictionCluster.Inference.Tokenization;

/// <summary>
/// A WordPiece vocab.txt read with Hugging Face's rules and handed to Microsoft.ML.Tokenizers in a form it reads the
/// same way. One token per line, the id is the line index (0-based); trailing whitespace (a Windows \r included) is
/// trimmed and a token listed twice keeps its last line's id, as HF's loaders do. The package would keep trailing
/// whitespace and refuse a duplicate, so the earlier lines of a duplicate are handed over blank: the package skips a
/// blank line but still counts it, so every id stays its line index.
/// </summary>
internal sealed class Vocabulary
{
    private readonly string[] _lines;

    private Vocabulary(string[] lines, Dictionary<string, int> idsByToken)
    {
        _lines = lines;
        IdsByToken = idsByToken;
    }

    /// <summary>The number of ids (lines): the size of the model's embedding matrix.</summary>
    public int Size => _lines.Length;

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
            string token = lines[id].TrimEnd();
            if (idsByToken.TryGetValue(token, out int earlier))
            {
                lines[earlier] = "";
            }

            lines[id] = token;
            idsByToken[token] = id;
        }

        // The normalizer's stand-in must map to [UNK]; no real vocabulary has it, but one that did would break that.
        string standIn = HuggingFaceBertNormalizer.StandIn.ToString();
        if (idsByToken.Remove(standIn, out int standInId))
        {
            lines[standInId] = "";
        }

        return new Vocabulary(lines, idsByToken);
    }

    /// <summary>The id of a token the tokenizer cannot work without, or a clear error naming the file.</summary>
    public void Require(string token, string path)
    {
        if (!IdsByToken.ContainsKey(token))
        {
            throw new InvalidDataException(
                $"WordPiece vocabulary file '{path}' lacks the special token {token}; is it a BERT vocab.txt?");
        }
    }

    /// <summary>The lines as the package reads them: UTF-8, '\n'-separated, resolved as described above.</summary>
    public MemoryStream OpenForPackage() => new(Encoding.UTF8.GetBytes(string.Join('\n', _lines)), writable: false);
}
