namespace Redis.Protocol;

/// <summary>
/// One parsed reply. A struct with a single payload reference, so a reply costs no allocation beyond the
/// data it carries (a bulk string's bytes, an error's text, an array's elements).
/// </summary>
internal readonly struct RespValue
{
    // byte[] for a bulk string, string for a simple string or an error, RespValue[] for an array; null for the null forms.
    private readonly object? _payload;

    private RespValue(RespType type, object? payload, long integer)
    {
        Type = type;
        _payload = payload;
        Integer = integer;
    }

    public RespType Type { get; }

    /// <summary>The value of an <see cref="RespType.Integer"/> reply.</summary>
    public long Integer { get; }

    /// <summary>True for the null bulk string and the null array.</summary>
    public bool IsNull => _payload is null && Type is RespType.BulkString or RespType.Array;

    /// <summary>A bulk string's bytes; null for the null bulk string or another type.</summary>
    public byte[]? Bytes => _payload as byte[];

    /// <summary>A simple string's or an error's text; null for another type.</summary>
    public string? Text => _payload as string;

    /// <summary>An array's elements; null for the null array or another type.</summary>
    public RespValue[]? Items => _payload as RespValue[];

    public static RespValue SimpleString(string text) => new(RespType.SimpleString, text, 0);

    public static RespValue Error(string message) => new(RespType.Error, message, 0);

    public static RespValue FromInteger(long value) => new(RespType.Integer, null, value);

    public static RespValue BulkString(byte[]? bytes) => new(RespType.BulkString, bytes, 0);

    public static RespValue Array(RespValue[]? items) => new(RespType.Array, items, 0);

    public override string ToString() => Type switch
    {
        RespType.SimpleString => $"+{Text}",
        RespType.Error => $"-{Text}",
        RespType.Integer => $":{Integer}",
        RespType.BulkString => Bytes is { } bytes ? $"${bytes.Length}" : "$-1",
        _ => Items is { } items ? $"*{items.Length}" : "*-1",
    };
}
