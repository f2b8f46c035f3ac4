using System.Buffers;
using System.Text.Json;

namespace PredictionCluster.Api.Prediction;

/// <summary>
/// Parses and validates a <c>POST /predict</c> body in one pass over the bytes, so that every problem is
/// reported with the field it is in (<c>text</c>, <c>text[3]</c>) rather than as a generic binding failure.
/// </summary>
public static class PredictRequestReader
{
    public const string TextField = "text";

    // Enough errors to fix a request; a body of 10,000 bad items should not produce a 10,000-line answer.
    private const int MaxReportedErrors = 20;

    // Some editors and Windows tools start UTF-8 files with a byte order mark; RFC 8259 lets a parser ignore it.
    private static ReadOnlySpan<byte> Utf8Bom => [0xEF, 0xBB, 0xBF];

    public static PredictRequestParse Read(ReadOnlySequence<byte> body, ApiOptions options)
    {
        var errors = new Dictionary<string, string[]>();
        Span<byte> head = stackalloc byte[3];
        if (body.Length >= head.Length)
        {
            body.Slice(0, head.Length).CopyTo(head);
            if (head.SequenceEqual(Utf8Bom))
            {
                body = body.Slice(head.Length);
            }
        }
        if (IsBlank(body))
        {
            // Utf8JsonReader calls an empty body invalid JSON; the client more likely forgot to send one.
            return Invalid(errors, "$", "The body is empty; send a JSON object such as {\"text\": [\"I love you.\"]}.", malformed: true);
        }
        try
        {
            var reader = new Utf8JsonReader(body, new JsonReaderOptions { MaxDepth = 64 });
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                return Invalid(errors, "$", "The body must be a JSON object with a 'text' array of strings.");
            }

            List<string>? texts = null;
            bool sawText = false;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                // The reader checks structure only; text inside strings is checked when decoded, so a name with
                // invalid UTF-8 or an unpaired surrogate escape would otherwise throw out of ValueTextEquals.
                if (!TryDecode(ref reader, out _))
                {
                    return Invalid(errors, "$", "A property name is not valid text: invalid UTF-8 or an unpaired surrogate escape (\\uD800-\\uDFFF).");
                }
                if (!reader.ValueTextEquals(TextField))
                {
                    reader.Read();
                    reader.Skip(); // unknown members are ignored, as ASP.NET Core binding does
                    continue;
                }
                if (sawText)
                {
                    return Invalid(errors, TextField, "'text' appears more than once.");
                }
                sawText = true;
                reader.Read();
                texts = ReadTexts(ref reader, options, errors);
            }
            // Drain to the end so trailing garbage is reported as malformed JSON, not ignored.
            while (reader.Read())
            {
            }

            if (!sawText)
            {
                return Invalid(errors, TextField, "'text' is required: an array of strings to classify.");
            }
            return errors.Count > 0 ? PredictRequestParse.Invalid(errors) : PredictRequestParse.Valid(texts!);
        }
        catch (JsonException e)
        {
            errors.Clear();
            string where = e.LineNumber is { } line ? $" (line {line + 1}, byte {e.BytePositionInLine + 1})" : "";
            return Invalid(errors, "$", $"The body is not valid JSON{where}.", malformed: true);
        }
    }

    private static List<string>? ReadTexts(ref Utf8JsonReader reader, ApiOptions options, Dictionary<string, string[]> errors)
    {
        if (reader.TokenType != JsonTokenType.StartArray)
        {
            string hint = reader.TokenType == JsonTokenType.String ? " Wrap a single text in an array: {\"text\": [\"...\"]}." : "";
            Add(errors, TextField, $"'text' must be an array of strings, not {Describe(reader.TokenType)}.{hint}");
            reader.Skip();
            return null;
        }

        var texts = new List<string>();
        int index = 0;
        while (reader.Read() && reader.TokenType != JsonTokenType.EndArray)
        {
            if (index == options.MaxTexts)
            {
                Add(errors, TextField, $"'text' has more than {options.MaxTexts} texts; send at most {options.MaxTexts} per request.");
            }
            if (reader.TokenType == JsonTokenType.String)
            {
                if (index < options.MaxTexts)
                {
                    int length = reader.HasValueSequence ? checked((int)reader.ValueSequence.Length) : reader.ValueSpan.Length;
                    // A character takes at most 6 bytes (\uXXXX), so a longer value is too long without decoding it.
                    bool surelyTooLong = length > 6L * options.MaxTextChars;
                    string? text = "";
                    if (!surelyTooLong && !TryDecode(ref reader, out text))
                    {
                        Add(errors, $"text[{index}]", "The text is not valid: invalid UTF-8 or an unpaired surrogate escape (\\uD800-\\uDFFF).");
                    }
                    else if (surelyTooLong || text!.Length > options.MaxTextChars)
                    {
                        Add(errors, $"text[{index}]", $"The text is longer than {options.MaxTextChars} characters.");
                    }
                    else
                    {
                        texts.Add(text);
                    }
                }
            }
            else
            {
                Add(errors, $"text[{index}]", $"Each text must be a string, not {Describe(reader.TokenType)}.");
                reader.Skip();
            }
            index++;
        }
        if (index == 0)
        {
            Add(errors, TextField, "'text' is empty; send at least one text.");
        }
        return texts;
    }

    /// <summary>The current string or property name as text; false when it is not valid UTF-8 or escapes an unpaired surrogate.</summary>
    private static bool TryDecode(ref Utf8JsonReader reader, out string? text)
    {
        try
        {
            text = reader.GetString();
            return true;
        }
        catch (InvalidOperationException)
        {
            // GetString's only failure on a string token: the bytes or escapes do not make UTF-16 text.
            text = null;
            return false;
        }
    }

    private static bool IsBlank(ReadOnlySequence<byte> body)
    {
        foreach (var segment in body)
        {
            // JSON's four whitespace bytes (RFC 8259).
            if (segment.Span.IndexOfAnyExcept(" \t\r\n"u8) >= 0)
            {
                return false;
            }
        }
        return true;
    }

    private static string Describe(JsonTokenType token) => token switch
    {
        JsonTokenType.Null => "null",
        JsonTokenType.True or JsonTokenType.False => "a boolean",
        JsonTokenType.Number => "a number",
        JsonTokenType.String => "a string",
        JsonTokenType.StartObject => "an object",
        JsonTokenType.StartArray => "an array",
        _ => token.ToString(),
    };

    private static void Add(Dictionary<string, string[]> errors, string field, string message)
    {
        if (errors.Count < MaxReportedErrors && !errors.ContainsKey(field))
        {
            errors[field] = [message];
        }
    }

    private static PredictRequestParse Invalid(Dictionary<string, string[]> errors, string field, string message, bool malformed = false)
    {
        Add(errors, field, message);
        return PredictRequestParse.Invalid(errors, malformed);
    }
}
