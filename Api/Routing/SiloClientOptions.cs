namespace Api.Routing;

/// <summary>How the API calls silos. Section <c>Routing</c>.</summary>
public sealed class SiloClientOptions
{
    public const string SectionName = "Routing";

    /// <summary>Time to open a connection to a silo; short, so that a dead silo is given up on quickly.</summary>
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Time for a whole call (connect, send, silo work, answer); past it the call fails as retryable.</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>
    /// Calls to one silo at a time; requests beyond it wait for a call to finish and then share the next call
    /// (<see cref="SiloCallCoalescer"/>). Lower merges more under load; higher adds parallel calls.
    /// </summary>
    public int MaxCallsInFlightPerSilo { get; set; } = 4;
}
