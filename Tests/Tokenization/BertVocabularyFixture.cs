using System.Text;
using System.Text.Json;
using Grains.Inference.Tokenization;

namespace Tests.Tokenization;

/// <summary>
/// Writes the bert-base-uncased vocabulary as a standard vocab.txt into a temp directory and loads the tokenizer
/// from it, the way the product loads a model directory's vocab.txt.
/// </summary>
public sealed class BertVocabularyFixture : IDisposable
{
    public BertVocabularyFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "wordpiece-tests-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        VocabularyPath = Path.Combine(Directory, "vocab.txt");
        File.WriteAllLines(VocabularyPath, LoadStandardVocabulary(), new UTF8Encoding(false));
        Tokenizer = WordPieceTokenizer.FromVocabularyFile(VocabularyPath);
    }

    public string Directory { get; }

    public string VocabularyPath { get; }

    public WordPieceTokenizer Tokenizer { get; }

    public void Dispose()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A leftover temp directory is harmless.
        }
    }

    /// <summary>
    /// .deps/data/bert-vocab.json stores the vocabulary SentencePiece-style: word-initial pieces carry a "▁" prefix
    /// ("▁hello" is vocab.txt's "hello"), continuation pieces carry nothing ("s" is vocab.txt's "##s"), and the
    /// bracketed specials of ids 0..998 are as in vocab.txt, except id 1 ("▁", which is [unused0]). This maps it back.
    /// </summary>
    public static string[] LoadStandardVocabulary()
    {
        string path = Path.Combine(RepositoryPaths.Root, ".deps", "data", "bert-vocab.json");
        if (!File.Exists(path))
        {
            throw new InvalidOperationException($"{path} is missing: run scripts/setup.sh --test first.");
        }

        string[] entries = JsonSerializer.Deserialize<string[]>(File.ReadAllText(path))
            ?? throw new InvalidDataException($"{path} is not a JSON array of strings.");
        var tokens = new string[entries.Length];
        for (int id = 0; id < entries.Length; id++)
        {
            string entry = entries[id];
            tokens[id] = id == 1 ? "[unused0]"
                : entry.StartsWith('▁') ? entry[1..]
                : id < 999 && entry.StartsWith('[') && entry.EndsWith(']') ? entry
                : "##" + entry;
        }

        return tokens;
    }
}
