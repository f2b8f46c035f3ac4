using System.CommandLine;
using System.Diagnostics;

namespace Benchmarks;

/// <summary>
/// <c>compare</c>: two models (e.g. a float model and its INT8 quantization) on the same SST-2 sentences in the same
/// length-bucketed batches: how often their labels agree, how far their scores are apart, and how fast each runs.
/// </summary>
internal static class CompareCommand
{
    public const string Name = "compare";

    public static Command Create()
    {
        var otherOption = new Option<string>("--other") { Description = "the model directory to compare with --model", HelpName = "dir", Required = true };
        var dataOption = CliOptions.String("--data", "SST-2 style TSV (sentence first, a header line)", RepositoryFiles.Sst2Dev);
        var repeatsOption = CliOptions.Int("--repeats", "timed passes per model", 3);
        var limitOption = CliOptions.OptionalInt("--limit", "the first N sentences only");
        var jsonOption = CliOptions.Flag("--json", "end with one line SUMMARY {json}");
        var model = new ModelCommandOptions();
        var command = new Command(Name, "two models on the same SST-2 batches: label agreement, score difference, speed of each")
        {
            otherOption, dataOption, repeatsOption, limitOption, jsonOption,
        };
        model.AddTo(command);
        command.SetAction(parse => Run(
            parse.InvocationConfiguration.Output,
            RepositoryFiles.Resolve(parse.GetRequiredValue(otherOption)),
            RepositoryFiles.Resolve(parse.GetRequiredValue(dataOption)),
            parse.GetValue(repeatsOption),
            parse.GetValue(limitOption),
            parse.GetValue(jsonOption),
            model.Read(parse)));
        return command;
    }

    private static int Run(TextWriter output, string other, string data, int repeats, int? limit, bool json, BenchmarkModelSettings settings)
    {
        if (!File.Exists(data))
        {
            throw new CommandLineException($"--data: '{data}' does not exist.");
        }

        using var baseline = BenchmarkModel.Load(settings);
        using var candidate = BenchmarkModel.Load(settings with { ModelPath = other });
        var sentences = Sst2Command.Tokenize(baseline, Sst2Command.ReadSentences(data, limit));
        var batches = BatchFormer.Form(sentences.Select(s => s.Length).ToArray(), BatchingStrategy.Bucketed, baseline.Options.MaxBatchSize, baseline.Options.MaxBatchTokens);
        var environment = BenchmarkEnvironment.Describe(baseline);
        environment.Write(output, $"compare: {baseline.Model.Directory.Root} vs {candidate.Model.Directory.Root} on {sentences.Count} SST-2 sentences", baseline);

        var (baseScores, baseRate) = Score(baseline, batches, sentences, repeats);
        var (candidateScores, candidateRate) = Score(candidate, batches, sentences, repeats);
        int labels = baseline.Model.LabelCount, agree = 0;
        double sumDiff = 0, maxDiff = 0;
        for (int i = 0; i < sentences.Count; i++)
        {
            var a = baseScores.AsSpan(i * labels, labels);
            var b = candidateScores.AsSpan(i * labels, labels);
            agree += ArgMax(a) == ArgMax(b) ? 1 : 0;
            for (int l = 0; l < labels; l++)
            {
                double diff = Math.Abs(a[l] - b[l]);
                sumDiff += diff / labels;
                maxDiff = Math.Max(maxDiff, diff);
            }
        }

        output.WriteLine();
        output.WriteLine($"{"model",-48} {"sentences/s",11}");
        output.WriteLine($"{baseline.Model.Directory.Root,-48} {baseRate,11:F1}");
        output.WriteLine($"{candidate.Model.Directory.Root,-48} {candidateRate,11:F1}");
        double agreement = 100.0 * agree / sentences.Count;
        output.WriteLine();
        output.WriteLine($"labels agree on {agree}/{sentences.Count} sentences ({agreement:F1}%); score difference mean {sumDiff / sentences.Count:F4}, max {maxDiff:F4}; speed-up {candidateRate / baseRate:F2}x");
        if (json)
        {
            SummaryLine.Write(output, new CompareSummary(
                Name, environment, sentences.Count, SummaryLine.Round(baseRate, 1), SummaryLine.Round(candidateRate, 1),
                SummaryLine.Round(agreement, 2), SummaryLine.Round(sumDiff / sentences.Count, 5), SummaryLine.Round(maxDiff, 5)));
        }
        return 0;
    }

    /// <summary>Softmax scores of every sentence (row-major), and sentences/s of the median pass.</summary>
    private static (float[] Scores, double Rate) Score(BenchmarkModel model, IReadOnlyList<PlannedBatch> batches, IReadOnlyList<long[]> sentences, int repeats)
    {
        int labels = model.Model.LabelCount;
        var inputs = new ModelInputs(model.Model, batches.Max(b => b.Sentences.Length), batches.Max(b => b.PaddedTokens));
        var scores = new float[sentences.Count * labels];
        var seconds = new double[repeats];
        for (int repeat = 0; repeat < repeats; repeat++)
        {
            long start = Stopwatch.GetTimestamp();
            foreach (var batch in batches)
            {
                inputs.FillBatch(batch, sentences);
                inputs.Run(batch.Sentences.Length, batch.Columns);
                for (int row = 0; row < batch.Sentences.Length; row++)
                {
                    var probabilities = PredictionCluster.Inference.Batching.Softmax.Compute(inputs.Logits.AsSpan(row * labels, labels));
                    probabilities.CopyTo(scores.AsSpan(batch.Sentences[row] * labels, labels));
                }
            }
            seconds[repeat] = Stopwatch.GetElapsedTime(start).TotalSeconds;
        }
        return (scores, sentences.Count / SampleStatistics.FromUnsorted(seconds).Median);
    }

    private static int ArgMax(ReadOnlySpan<float> values)
    {
        int best = 0;
        for (int i = 1; i < values.Length; i++)
        {
            if (values[i] > values[best])
            {
                best = i;
            }
        }
        return best;
    }
}
