namespace LoadRunner.Measurement;

/// <summary>What a response's <c>X-Cache</c> header said about the request.</summary>
internal enum CacheOutcome
{
    /// <summary>No header, or a value other than hit or miss (a server that does not report it).</summary>
    Unreported,

    /// <summary><c>X-Cache: hit</c>: every text of the request came from a cache tier.</summary>
    Hit,

    /// <summary><c>X-Cache: miss</c>: at least one text was computed.</summary>
    Miss,
}
