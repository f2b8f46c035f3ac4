using System.CommandLine;
using System.Diagnostics;
using PredictionCluster.Inference.Tokenization;

namespace Benchmarks;

/// <summary>
/// <c>tokenizer</c>: the service's tokenizer alone, as the engine calls it (one text into a reused id buffer of the
/// model's token limit), on one thread over SST-2 dev + test: texts per second and bytes allocated per text. Only the
/// vocabulary is loaded, no ONNX session.
/// </summary>
internal static class TokenizerCommand
{
    public const string Name = "tokenizer";

    public static Command Create()
    {
        var vocabularyOption = CliOptions.String("--vocab", "WordPiece vocab.txt", RepositoryFiles.DefaultVocabulary);
        var dataOption = new Option<string[]?>("--data")
        {
            Description = $"SST-2 style TSVs (sentence first, a header line), comma-separated [default: {RepositoryFiles.Sst2Dev},{RepositoryFiles.Sst2Test}]",
            HelpName = "path,path",
            CustomParser = result => result.Tokens.Count == 0 ? null : result.Tokens[0].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries),
        };
        var passesOption = CliOptions.Int("--passes", "timed passes", 5);
        var secondsOption = CliOptions.Double("--seconds", "length of each timed pass", 2, minimum: 0.1);
        var maxTokensOption = CliOptions.Int("--max-tokens", "id buffer length (the model's token limit)", 512, minimum: 2);
        var command = new Command(Name, "The tokenizer alone: texts/s and bytes allocated per text, one thread")
        {
            vocabularyOption, dataOption, passesOption, secondsOption, maxTokensOption,
        };
        command.SetAction(parse => Run(
            parse.InvocationConfiguration.Output,
            RepositoryFiles.Resolve(parse.GetRequiredValue(vocabularyOption)),
            CliOptions.ListOr(parse.GetValue(dataOption), [RepositoryFiles.Sst2Dev, RepositoryFiles.Sst2Test]).Select(RepositoryFiles.Resolve).ToArray(),
            parse.GetValue(passesOption),
            parse.GetValue(secondsOption),
            parse.GetValue(maxTokensOption)));
        return command;
    }

    private static int Run(TextWriter output, string vocabulary, string[] data, int passes, double seconds, int maxTokens)
    {
        foreach (string path in data.Append(vocabulary))
        {
            if (!File.Exists(path))
            {
                throw new CommandLineException($"'{path}' does not exist.");
            }
        }

        var tokenizer = WordPieceTokenizer.FromVocabularyFile(vocabulary);
        string[] texts = [.. data.SelectMany(path => Sst2Command.ReadSentences(path))];
        var ids = new long[maxTokens];

        // Warm-up: JIT (tiered up to optimized code) and the tokenizer's per-thread scratch.
        long tokens = 0;
        for (int round = 0; round < 3; round++)
        {
            tokens = 0;
            foreach (string text in texts)
            {
                tokens += tokenizer.Encode(text, ids);
            }
        }

        output.WriteLine($"# tokenizer  {vocabulary} ({tokenizer.VocabularySize} ids), Microsoft.ML.Tokenizers BertTokenizer + HF normalizer/pre-tokenizer");
        output.WriteLine($"# data       {string.Join(", ", data)}: {texts.Length} texts, {tokens / (double)texts.Length:F1} ids per text (with [CLS]/[SEP]), buffer {maxTokens}");
        output.WriteLine($"# machine    {Environment.ProcessorCount} cores, load avg {MachineLoad.Read()}; one thread");
        output.WriteLine();
        output.WriteLine($"{"pass",4} {"texts",9} {"seconds",7} {"texts/s",10} {"ids/s",11} {"bytes/text",10} {"gen0",5}");

        var rates = new List<double>();
        var bytesPerText = new List<double>();
        for (int pass = 1; pass <= passes; pass++)
        {
            int gen0 = GC.CollectionCount(0);
            long allocated = GC.GetAllocatedBytesForCurrentThread();
            long started = Stopwatch.GetTimestamp();
            long count = 0;
            long passTokens = 0;
            do
            {
                foreach (string text in texts)
                {
                    passTokens += tokenizer.Encode(text, ids);
                }

                count += texts.Length;
            }
            while (Stopwatch.GetElapsedTime(started).TotalSeconds < seconds);

            double elapsed = Stopwatch.GetElapsedTime(started).TotalSeconds;
            double bytes = (GC.GetAllocatedBytesForCurrentThread() - allocated) / (double)count;
            rates.Add(count / elapsed);
            bytesPerText.Add(bytes);
            output.WriteLine($"{pass,4} {count,9} {elapsed,7:F2} {count / elapsed,10:F0} {passTokens / elapsed,11:F0} {bytes,10:F0} {GC.CollectionCount(0) - gen0,5}");
        }

        rates.Sort();
        output.WriteLine();
        output.WriteLine($"# median {rates[rates.Count / 2]:F0} texts/s, {bytesPerText.Average():F0} bytes allocated per text; load avg at end {MachineLoad.Read()}");
        return 0;
    }
}
