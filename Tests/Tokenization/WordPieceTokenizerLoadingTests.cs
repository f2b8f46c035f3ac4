using System.Text;
using PredictionCluster.Inference.Tokenization;

namespace Tests.Tokenization;

public sealed class WordPieceTokenizerLoadingTests : IDisposable
{
    private readonly string _directory = Directory.CreateTempSubdirectory("wordpiece-loading-").FullName;

    public void Dispose() => Directory.Delete(_directory, recursive: true);

    [Fact]
    public void FromVocabularyFile_MissingFile_ThrowsFileNotFoundNamingThePath()
    {
        string path = Path.Combine(_directory, "nope.txt");
        var error = Assert.Throws<FileNotFoundException>(() => WordPieceTokenizer.FromVocabularyFile(path));
        Assert.Contains(path, error.Message);
    }

    [Fact]
    public void FromVocabularyFile_EmptyFile_ThrowsInvalidData()
    {
        string path = Write("");
        var error = Assert.Throws<InvalidDataException>(() => WordPieceTokenizer.FromVocabularyFile(path));
        Assert.Contains("empty", error.Message);
    }

    [Theory]
    [InlineData("[CLS]")]
    [InlineData("[SEP]")]
    [InlineData("[PAD]")]
    [InlineData("[UNK]")]
    public void FromVocabularyFile_MissingSpecialToken_ThrowsNamingIt(string missing)
    {
        string path = Write(string.Join('\n', new[] { "[PAD]", "[UNK]", "[CLS]", "[SEP]", "hello" }.Where(t => t != missing)));
        var error = Assert.Throws<InvalidDataException>(() => WordPieceTokenizer.FromVocabularyFile(path));
        Assert.Contains(missing, error.Message);
    }

    [Fact]
    public void FromVocabularyFile_CrlfAndBom_IdsAreLineIndexes()
    {
        string path = Path.Combine(_directory, "vocab.txt");
        File.WriteAllText(path, "[PAD]\r\n[UNK]\r\n[CLS]\r\n[SEP]\r\nhello\r\n##s\r\nworld\r\n", new UTF8Encoding(true));

        WordPieceTokenizer tokenizer = WordPieceTokenizer.FromVocabularyFile(path);

        Assert.Equal(7, tokenizer.VocabularySize);
        Assert.Equal((0, 1, 2, 3), (tokenizer.PaddingTokenId, tokenizer.UnknownTokenId, tokenizer.ClassifierTokenId, tokenizer.SeparatorTokenId));
        var destination = new long[8];
        int count = tokenizer.Encode("Hellos, world", destination);
        Assert.Equal([2L, 4L, 5L, 1L, 6L, 3L], destination[..count]); // "," is not in this vocabulary
        Assert.Equal(["hello", "##s", "[UNK]", "world"], tokenizer.Tokenize("Hellos, world"));
    }

    [Fact]
    public void FromVocabularyFile_DuplicateToken_LastLineWinsLikeHuggingFace()
    {
        string path = Write("[PAD]\n[UNK]\n[CLS]\n[SEP]\nhello\nhello\n");
        WordPieceTokenizer tokenizer = WordPieceTokenizer.FromVocabularyFile(path);
        var destination = new long[4];
        tokenizer.Encode("hello", destination);
        Assert.Equal(5, destination[1]);
        Assert.Equal(6, tokenizer.VocabularySize);
    }

    [Fact]
    public void Encode_AstralCharacters_WordLimitCountsCharactersNotUtf16Units()
    {
        // 60 mathematical fraktur letters are 120 UTF-16 units but 60 characters: under the 100-character limit.
        string path = Write("[PAD]\n[UNK]\n[CLS]\n[SEP]\n\U0001D518\n##\U0001D518\na\n##a\n");
        WordPieceTokenizer tokenizer = WordPieceTokenizer.FromVocabularyFile(path);

        IReadOnlyList<string> pieces = tokenizer.Tokenize(string.Concat(Enumerable.Repeat("\U0001D518", 60)));
        Assert.Equal(60, pieces.Count);
        Assert.Equal(["\U0001D518", "##\U0001D518"], pieces.Take(2));
        Assert.Equal(["[UNK]"], tokenizer.Tokenize(string.Concat(Enumerable.Repeat("\U0001D518", 101))));

        // On the hot path too, around the limit where units and characters disagree: the package counts units, so
        // the pre-tokenizer decides. 50 "a" + 50 fraktur letters: 100 characters, 150 units, 100 pieces in HF.
        var destination = new long[256];
        string mixed = new string('a', 50) + string.Concat(Enumerable.Repeat("\U0001D518", 50));
        Assert.Equal(102, tokenizer.Encode(mixed, destination));
        Assert.Equal(3, tokenizer.Encode(new string('a', 101), destination)); // 101 characters: one [UNK]
        Assert.Equal(1L, destination[1]);
    }

    private string Write(string content)
    {
        string path = Path.Combine(_directory, Guid.NewGuid().ToString("N") + ".txt");
        File.WriteAllText(path, content, new UTF8Encoding(false));
        return path;
    }
}
