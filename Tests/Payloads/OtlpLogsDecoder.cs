namespace Tests.Payloads;

/// <summary>
/// Reads the log records out of an OTLP/HTTP protobuf body (<c>opentelemetry/proto/collector/logs/v1</c>'s
/// ExportLogsServiceRequest), by the field numbers of OTLP's published .proto files: resource_logs (1) → scope_logs
/// (2) → scope (1, its name 1) and log_records (2): time_unix_nano (1), body (5), attributes (6: key 1, value 2).
/// </summary>
public static class OtlpLogsDecoder
{
    public static List<OtlpLogRecord> Decode(ReadOnlySpan<byte> request)
    {
        var records = new List<OtlpLogRecord>();
        var reader = new ProtobufReader(request);
        while (reader.TryReadTag(out int field, out int wireType))
        {
            if (field == 1 && wireType == 2)
            {
                ReadResourceLogs(reader.ReadLengthDelimited(), records);
            }
            else
            {
                reader.Skip(wireType);
            }
        }
        return records;
    }

    private static void ReadResourceLogs(ReadOnlySpan<byte> resourceLogs, List<OtlpLogRecord> records)
    {
        var reader = new ProtobufReader(resourceLogs);
        while (reader.TryReadTag(out int field, out int wireType))
        {
            if (field == 2 && wireType == 2)
            {
                ReadScopeLogs(reader.ReadLengthDelimited(), records);
            }
            else
            {
                reader.Skip(wireType);
            }
        }
    }

    private static void ReadScopeLogs(ReadOnlySpan<byte> scopeLogs, List<OtlpLogRecord> records)
    {
        // The scope may come after the records in principle: read them all, then name them.
        string scope = "";
        var logRecords = new List<(ulong Time, string? Body, Dictionary<string, object?> Attributes)>();
        var reader = new ProtobufReader(scopeLogs);
        while (reader.TryReadTag(out int field, out int wireType))
        {
            if (field == 1 && wireType == 2)
            {
                scope = ReadScopeName(reader.ReadLengthDelimited());
            }
            else if (field == 2 && wireType == 2)
            {
                logRecords.Add(ReadLogRecord(reader.ReadLengthDelimited()));
            }
            else
            {
                reader.Skip(wireType);
            }
        }
        records.AddRange(logRecords.Select(r => new OtlpLogRecord(scope, r.Time, r.Body, r.Attributes)));
    }

    private static string ReadScopeName(ReadOnlySpan<byte> scope)
    {
        var reader = new ProtobufReader(scope);
        while (reader.TryReadTag(out int field, out int wireType))
        {
            if (field == 1 && wireType == 2)
            {
                return reader.ReadString();
            }
            reader.Skip(wireType);
        }
        return "";
    }

    private static (ulong Time, string? Body, Dictionary<string, object?> Attributes) ReadLogRecord(ReadOnlySpan<byte> logRecord)
    {
        ulong time = 0;
        string? body = null;
        var attributes = new Dictionary<string, object?>();
        var reader = new ProtobufReader(logRecord);
        while (reader.TryReadTag(out int field, out int wireType))
        {
            switch (field, wireType)
            {
                case (1, 1):
                    time = reader.ReadFixed64();
                    break;
                case (5, 2):
                    body = ReadAnyValue(reader.ReadLengthDelimited()) as string;
                    break;
                case (6, 2):
                    var (key, value) = ReadKeyValue(reader.ReadLengthDelimited());
                    attributes[key] = value;
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }
        return (time, body, attributes);
    }

    private static (string Key, object? Value) ReadKeyValue(ReadOnlySpan<byte> keyValue)
    {
        string key = "";
        object? value = null;
        var reader = new ProtobufReader(keyValue);
        while (reader.TryReadTag(out int field, out int wireType))
        {
            switch (field, wireType)
            {
                case (1, 2):
                    key = reader.ReadString();
                    break;
                case (2, 2):
                    value = ReadAnyValue(reader.ReadLengthDelimited());
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }
        return (key, value);
    }

    /// <summary>AnyValue: string (1), bool (2), int64 (3), double (4), array (5: ArrayValue, its values 1).</summary>
    private static object? ReadAnyValue(ReadOnlySpan<byte> anyValue)
    {
        object? value = null;
        var reader = new ProtobufReader(anyValue);
        while (reader.TryReadTag(out int field, out int wireType))
        {
            switch (field, wireType)
            {
                case (1, 2):
                    value = reader.ReadString();
                    break;
                case (2, 0):
                    value = reader.ReadVarint() != 0;
                    break;
                case (3, 0):
                    value = (long)reader.ReadVarint();
                    break;
                case (4, 1):
                    value = reader.ReadDouble();
                    break;
                case (5, 2):
                    value = ReadArray(reader.ReadLengthDelimited());
                    break;
                default:
                    reader.Skip(wireType);
                    break;
            }
        }
        return value;
    }

    private static object?[] ReadArray(ReadOnlySpan<byte> arrayValue)
    {
        var values = new List<object?>();
        var reader = new ProtobufReader(arrayValue);
        while (reader.TryReadTag(out int field, out int wireType))
        {
            if (field == 1 && wireType == 2)
            {
                values.Add(ReadAnyValue(reader.ReadLengthDelimited()));
            }
            else
            {
                reader.Skip(wireType);
            }
        }
        return [.. values];
    }
}
