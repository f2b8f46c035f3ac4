using System.Text;

namespace Tests.EndToEnd;

/// <summary>What a server sent back on one raw connection: its status, or why there was none.</summary>
public sealed record RawHttpResponse(int? Status, string Head, string Body, string? Failure)
{
    /// <summary>Parses everything received up to the close of the connection; <paramref name="failure"/> says how reading ended badly.</summary>
    public static RawHttpResponse Parse(byte[] received, string? failure)
    {
        string text = Encoding.UTF8.GetString(received);
        // Interim answers (100 Continue to "Expect: 100-continue") precede the final one.
        while (text.StartsWith("HTTP/1.1 1", StringComparison.Ordinal) && text.IndexOf("\r\n\r\n", StringComparison.Ordinal) is int interim and >= 0)
        {
            text = text[(interim + 4)..];
        }
        int end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        if (end < 0 || !text.StartsWith("HTTP/1.1 ", StringComparison.Ordinal) || !int.TryParse(text.AsSpan(9, 3), out int status))
        {
            return new RawHttpResponse(null, text, "", failure ?? "no status line");
        }
        string head = text[..end];
        string body = text[(end + 4)..];
        if (head.Contains("Transfer-Encoding: chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }
        return new RawHttpResponse(status, head, body, failure);
    }

    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        int position = 0;
        while (position < chunked.Length)
        {
            int line = chunked.IndexOf("\r\n", position, StringComparison.Ordinal);
            if (line < 0 || !int.TryParse(chunked.AsSpan(position, line - position), System.Globalization.NumberStyles.HexNumber, null, out int size) || size == 0)
            {
                break;
            }
            body.Append(chunked, line + 2, Math.Min(size, chunked.Length - line - 2));
            position = line + 2 + size + 2;
        }
        return body.ToString();
    }

    public override string ToString() => Status is { } status ? $"{status} {Body}" : $"no response ({Failure}): {Head}";
}
