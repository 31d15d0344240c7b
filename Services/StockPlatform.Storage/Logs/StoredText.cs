using System.Text;

namespace StockPlatform.Storage.Logs;

/// <summary>
/// Text as PostgreSQL stores it. A log message may hold what a <c>text</c> or <c>jsonb</c> value
/// cannot: NUL characters, unpaired UTF-16 surrogates (a string cut in the middle of an emoji),
/// and jsonb refuses the <c>\u0000</c> escape. Each becomes U+FFFD, so one odd record never
/// fails the batch it ships in.
/// </summary>
internal static class StoredText
{
    private const char Replacement = '\uFFFD';

    /// <summary>The text with NULs and unpaired surrogates replaced.</summary>
    public static string Text(string value)
    {
        var span = value.AsSpan();
        if (span.IndexOf('\0') < 0 && span.IndexOfAnyInRange('\uD800', '\uDFFF') < 0) return value;
        var builder = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '\0') builder.Append(Replacement);
            else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1])) builder.Append(c).Append(value[++i]);
            else if (char.IsSurrogate(c)) builder.Append(Replacement);
            else builder.Append(c);
        }
        return builder.ToString();
    }

    /// <summary>JSON text with <c>\u0000</c> escapes (outside escaped backslashes) replaced, and <see cref="Text"/> applied.</summary>
    public static string Json(string json)
    {
        json = Text(json);
        if (!json.Contains(@"\u0000", StringComparison.Ordinal)) return json;
        var builder = new StringBuilder(json.Length);
        for (var i = 0; i < json.Length; i++)
        {
            if (json[i] != '\\' || i + 1 >= json.Length)
            {
                builder.Append(json[i]);
                continue;
            }
            // An escape: "\u0000" is replaced; any other (such as "\\") is copied whole, so its second character is never taken for the start of one.
            if (string.CompareOrdinal(json, i, @"\u0000", 0, 6) == 0)
            {
                builder.Append(@"\ufffd");
                i += 5;
            }
            else
            {
                builder.Append(json, i, 2);
                i++;
            }
        }
        return builder.ToString();
    }
}
