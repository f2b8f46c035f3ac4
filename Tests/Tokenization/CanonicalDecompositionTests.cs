using Tests.Infrastructure;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using PredictionCluster.Inference.Tokenization;

namespace Tests.Tokenization;

/// <summary>
/// Our NFD (generated table + arithmetic Hangul) against node's ICU for every code point, and the reason
/// it exists: string.Normalize does nothing under this repo's InvariantGlobalization=true.
/// </summary>
public sealed class CanonicalDecompositionTests
{
    [Fact]
    public void Decompose_EveryCodePoint_MatchesNodeNfd()
    {
        var start = new ProcessStartInfo("node", [Path.Combine(RepositoryPaths.Root, "Tests", "Tokenization", "nfd-dump.mjs")])
        {
            RedirectStandardOutput = true,
        };
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("Could not start node.");
        string output = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        Assert.Equal(0, process.ExitCode);

        var expected = new Dictionary<int, string>();
        foreach (string line in output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            string[] fields = line.Split(' ');
            expected[int.Parse(fields[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture)] =
                string.Concat(fields.Skip(1).Select(unit => (char)int.Parse(unit, NumberStyles.HexNumber, CultureInfo.InvariantCulture)));
        }

        Assert.True(expected.Count > 13_000, "node printed too few decompositions");
        Span<char> buffer = stackalloc char[CanonicalDecomposition.MaxDecompositionLength];
        var mismatches = new List<string>();
        for (int value = 0; value <= 0x10FFFF; value++)
        {
            if (!Rune.IsValid(value))
            {
                continue;
            }

            var rune = new Rune(value);
            string actual = buffer[..CanonicalDecomposition.Decompose(rune, buffer)].ToString();
            string wanted = expected.TryGetValue(value, out string? decomposition) ? decomposition : rune.ToString();
            if (actual != wanted)
            {
                mismatches.Add($"U+{value:X4}");
            }
        }

        Assert.True(mismatches.Count == 0, "Differ: " + string.Join(' ', mismatches.Take(50)));
    }

    [Fact]
    public void MaxDecompositionLength_CoversTheLongestTableEntry()
    {
        Assert.True(CanonicalDecomposition.LongestTableEntry() <= CanonicalDecomposition.MaxDecompositionLength);
    }

    [Fact]
    public void StringNormalize_UnderInvariantGlobalization_IsANoOp()
    {
        // Documents why the table exists; if this starts failing, string.Normalize has become usable.
        Assert.Equal("café", "café".Normalize(NormalizationForm.FormD));
    }
}
