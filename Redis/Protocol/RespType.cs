namespace Redis.Protocol;

/// <summary>The RESP2 reply kinds, named after their first byte's meaning.</summary>
internal enum RespType : byte
{
    /// <summary><c>+OK</c></summary>
    SimpleString,

    /// <summary><c>-ERR message</c></summary>
    Error,

    /// <summary><c>:42</c></summary>
    Integer,

    /// <summary><c>$3 foo</c>, or the null bulk string <c>$-1</c>.</summary>
    BulkString,

    /// <summary><c>*2 ...</c>, or the null array <c>*-1</c>.</summary>
    Array,
}
