using System.Text;

namespace Tests.Fuzz;

/// <summary>One generated request: its bytes in the pieces they are sent in, and how to send them.</summary>
/// <param name="Kind">What the generator meant to test (for the failure report).</param>
/// <param name="Pieces">Sent in order on one connection, <paramref name="Pause"/> apart.</param>
public sealed record HostileRequest(string Kind, IReadOnlyList<byte[]> Pieces, TimeSpan Pause)
{
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
