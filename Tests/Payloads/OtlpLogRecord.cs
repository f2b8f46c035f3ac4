namespace Tests.Payloads;

/// <summary>
/// One log record of an OTLP <c>ExportLogsServiceRequest</c>, as a test reads it: its scope (an ILogger category),
/// times, body and attributes (values are string, long, double, bool, or an object[] of those for an array).
/// </summary>
public sealed record OtlpLogRecord(string Scope, ulong TimeUnixNano, string? Body, IReadOnlyDictionary<string, object?> Attributes)
{
    public string String(string key) => Assert.IsType<string>(Attributes[key]);

    public double Double(string key) => Assert.IsType<double>(Attributes[key]);

    public long Long(string key) => Assert.IsType<long>(Attributes[key]);

    public object?[] Array(string key) => Assert.IsType<object?[]>(Attributes[key]);
}
