using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketData.Alpaca.Wire;

/// <summary>
/// RFC 3339 timestamps read straight from UTF-8 bytes into <see cref="NanoTime"/>. A day of quotes
/// is hundreds of thousands of timestamps, and going through <see cref="DateTimeOffset"/> would
/// both cost a string each and lose the digits below 100 ns.
/// </summary>
internal static class AlpacaTimestamp
{
    private const long NanosPerSecond = 1_000_000_000;
    private static readonly int UnixEpochDay = new DateOnly(1970, 1, 1).DayNumber;

    /// <summary>
    /// Reads <c>YYYY-MM-DDTHH:MM:SS[.f{1,9}](Z|±HH:MM)</c>; false for anything else (the caller then
    /// falls back to <see cref="NanoTime.TryParse"/>, which reports the problem).
    /// </summary>
    public static bool TryParse(ReadOnlySpan<byte> text, out NanoTime value)
    {
        value = default;
        if (text.Length < 20 || text[4] != '-' || text[7] != '-' || (text[10] | 0x20) != 't' || text[13] != ':' || text[16] != ':')
            return false;
        if (!TryDigits(text, 0, 4, out var year) || !TryDigits(text, 5, 2, out var month) || !TryDigits(text, 8, 2, out var day)
            || !TryDigits(text, 11, 2, out var hour) || !TryDigits(text, 14, 2, out var minute) || !TryDigits(text, 17, 2, out var second))
            return false;
        if (year < 1 || month is < 1 or > 12 || day < 1 || day > DateTime.DaysInMonth(year, month) || hour > 23 || minute > 59 || second > 59)
            return false;

        var at = 19;
        long fraction = 0;
        if (text[at] == '.')
        {
            var digits = 0;
            at++;
            while (at < text.Length && (uint)(text[at] - '0') <= 9)
            {
                if (++digits > 9) return false;
                fraction = (fraction * 10) + (text[at] - '0');
                at++;
            }
            if (digits == 0) return false;
            for (var i = digits; i < 9; i++) fraction *= 10;
        }

        long offsetSeconds;
        var rest = text[at..];
        if (rest.Length == 1 && (rest[0] | 0x20) == 'z')
        {
            offsetSeconds = 0;
        }
        else if (rest.Length == 6 && rest[0] is (byte)'+' or (byte)'-' && rest[3] == ':'
            && TryDigits(rest, 1, 2, out var offsetHours) && TryDigits(rest, 4, 2, out var offsetMinutes) && offsetHours <= 23 && offsetMinutes <= 59)
        {
            offsetSeconds = ((offsetHours * 3600) + (offsetMinutes * 60)) * (rest[0] == '-' ? -1 : 1);
        }
        else
        {
            return false;
        }

        long days = new DateOnly(year, month, day).DayNumber - UnixEpochDay;
        var seconds = (days * 86_400) + (hour * 3600) + (minute * 60) + second - offsetSeconds;
        value = new NanoTime((seconds * NanosPerSecond) + fraction);
        return true;
    }

    /// <summary>The instant as Alpaca's query parameters take it: whole seconds plainly, anything finer with nine digits.</summary>
    public static string Format(NanoTime time)
    {
        var text = time.ToString();
        // "....:SS.000000000Z": the fraction says nothing, and the plain form is what every server accepts.
        return text.EndsWith(".000000000Z", StringComparison.Ordinal) ? string.Concat(text.AsSpan(0, text.Length - 11), "Z") : text;
    }

    private static bool TryDigits(ReadOnlySpan<byte> text, int start, int count, out int value)
    {
        value = 0;
        for (var i = start; i < start + count; i++)
        {
            var digit = (uint)(text[i] - '0');
            if (digit > 9) return false;
            value = (value * 10) + (int)digit;
        }
        return true;
    }
}
