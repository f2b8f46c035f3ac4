using ReferenceBuilder;

// ReferenceBuilder --model DIR [--data TSV] [--config APPSETTINGS] [--source NAME]
//     runs every sentence of TSV (first column, after a header line) through the service's inference engine, with the
//     Inference and Model:MaxTokens settings of APPSETTINGS (default Api/appsettings.json, what the service serves
//     with), and writes DIR/reference.json: the top labels' mix and the top scores' histogram.
try
{
    var arguments = BuildArguments.Parse(args);
    var (reference, seconds) = await ReferenceRun.RunAsync(arguments);
    Console.WriteLine($"{arguments.ModelPath}: reference of {reference.Samples} texts ({arguments.Source}) in {seconds:F1} s; " +
        $"labels {string.Join(", ", reference.Labels.Zip(reference.LabelCounts, (label, count) => $"{label} {count}"))}");
    return 0;
}
catch (Exception e) when (e is ArgumentException or FileNotFoundException or InvalidDataException or PredictionCluster.Inference.Model.ModelLoadException or InvalidOperationException)
{
    Console.Error.WriteLine($"ReferenceBuilder: {e.Message}");
    return 2;
}
