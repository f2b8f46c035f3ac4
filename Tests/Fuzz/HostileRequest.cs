using System.Text;
using Tests.EndToEnd;

namespace Tests.Fuzz;

/// <summary>One generated request: its bytes in the pieces they are sent in, how to send them, and what must come back.</summary>
/// <param name="Kind">What the generator meant to test (for the failure report).</param>
/// <param name="Pieces">Sent in order on one connection, <paramref name="Pause"/> apart.</param>
/// <param name="Expected">The one status acceptable; <see cref="NoAnswer"/> for a close without one; null: 200 or any 4xx.</param>
/// <param name="HalfClose">Shut down the sending side after the last piece.</param>
public sealed record HostileRequest(string Kind, IReadOnlyList<byte[]> Pieces, TimeSpan Pause, int? Expected = null, bool HalfClose = false)
{
    /// <summary>The connection is closed with no answer at all (a client that half-closes mid-body has left, to Kestrel).</summary>
    public const int NoAnswer = 0;

    /// <summary>Whether <paramref name="response"/> is what this request must get, always ending in an orderly close.</summary>
    public bool IsAnsweredBy(RawHttpResponse response) => Expected switch
    {
        NoAnswer => response.Status is null && response.Head.Length == 0 && response.Failure is "no status line" or "receive: ConnectionReset",
        { } status => response.Status == status && response.Failure is null,
        null => response.Status is 200 or (>= 400 and < 500) && response.Failure is null,
    };

    /// <summary>The request as sent, bytes outside printable ASCII escaped, cut to a readable length.</summary>
    public string Describe(int maxChars = 2_000)
    {
        var text = new StringBuilder();
        foreach (byte b in Pieces.SelectMany(p => p))
        {
            if (text.Length >= maxChars)
            {
                text.Append($"... ({Pieces.Sum(p => p.Length)} bytes in {Pieces.Count} piece(s))");
                break;
            }
            text.Append(b switch
            {
                (byte)'\r' => "\\r",
                (byte)'\n' => "\\n\n",
                >= 0x20 and < 0x7F => ((char)b).ToString(),
                _ => $"\\x{b:x2}",
            });
        }
        return $"[{Kind}, pause {Pause.TotalMilliseconds} ms]\n{text}";
    }
}
