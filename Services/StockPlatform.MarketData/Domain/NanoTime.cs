using System.Globalization;

namespace StockPlatform.MarketData.Domain;

/// <summary>
/// An instant in UTC with nanosecond precision, as Alpaca stamps trades and quotes
/// (<c>2024-01-02T14:30:00.123456789Z</c>). <see cref="DateTimeOffset"/> keeps only 100 ns and
/// PostgreSQL only microseconds, so trades and quotes carry this instead and the stores keep the
/// nanoseconds below the microsecond in a column of their own.
/// </summary>
public readonly record struct NanoTime(long UnixNanoseconds) : IComparable<NanoTime>
{
    private const long NanosPerTick = 100;
    private const long NanosPerMicrosecond = 1_000;

    /// <summary>The instant of <paramref name="at"/> (its 100 ns resolution) plus <paramref name="extraNanoseconds"/>.</summary>
    public static NanoTime From(DateTimeOffset at, long extraNanoseconds = 0) =>
        new(((at.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) * NanosPerTick) + extraNanoseconds);

    /// <summary>The instant truncated to the microsecond: what a <c>timestamptz</c> column holds.</summary>
    public DateTimeOffset Microsecond =>
        DateTimeOffset.UnixEpoch.AddTicks(Math.DivRem(UnixNanoseconds, NanosPerMicrosecond, out var rest) * 10 - (rest < 0 ? 10 : 0));

    /// <summary>Nanoseconds past <see cref="Microsecond"/> (0 to 999).</summary>
    public int NanosecondOfMicrosecond => (int)(((UnixNanoseconds % NanosPerMicrosecond) + NanosPerMicrosecond) % NanosPerMicrosecond);

    /// <summary>Rebuilds an instant from a stored microsecond and the nanoseconds past it.</summary>
    public static NanoTime FromParts(DateTimeOffset microsecond, int nanosecondOfMicrosecond) =>
        From(microsecond, nanosecondOfMicrosecond);

    /// <summary>Parses RFC 3339 with up to nine fraction digits (<c>Z</c> or a numeric offset).</summary>
    public static NanoTime Parse(string text) =>
        TryParse(text, out var value) ? value : throw new FormatException($"'{text}' is not an RFC 3339 timestamp");

    /// <summary>Parses RFC 3339 with up to nine fraction digits; false for anything else.</summary>
    public static bool TryParse(ReadOnlySpan<char> text, out NanoTime value)
    {
        value = default;
        var dot = text.IndexOf('.');
        long fraction = 0;
        Span<char> whole = stackalloc char[text.Length];
        var length = text.Length;
        text.CopyTo(whole);
        if (dot >= 0)
        {
            var end = dot + 1;
            while (end < text.Length && char.IsAsciiDigit(text[end])) end++;
            var digits = end - dot - 1;
            if (digits is 0 or > 9) return false;
            for (var i = 0; i < 9; i++) fraction = (fraction * 10) + (i < digits ? text[dot + 1 + i] - '0' : 0);
            text[end..].CopyTo(whole[dot..]);
            length = dot + (text.Length - end);
        }
        if (!DateTimeOffset.TryParseExact(whole[..length], ["yyyy-MM-dd'T'HH:mm:ssK", "yyyy-MM-dd'T'HH:mm:ss'Z'"], CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var seconds))
            return false;
        value = From(seconds, fraction);
        return true;
    }

    /// <inheritdoc />
    public int CompareTo(NanoTime other) => UnixNanoseconds.CompareTo(other.UnixNanoseconds);

    /// <summary>Earlier than.</summary>
    public static bool operator <(NanoTime left, NanoTime right) => left.UnixNanoseconds < right.UnixNanoseconds;

    /// <summary>Later than.</summary>
    public static bool operator >(NanoTime left, NanoTime right) => left.UnixNanoseconds > right.UnixNanoseconds;

    /// <summary>Earlier than or the same.</summary>
    public static bool operator <=(NanoTime left, NanoTime right) => left.UnixNanoseconds <= right.UnixNanoseconds;

    /// <summary>Later than or the same.</summary>
    public static bool operator >=(NanoTime left, NanoTime right) => left.UnixNanoseconds >= right.UnixNanoseconds;

    /// <summary>RFC 3339 in UTC with all nine fraction digits, as Alpaca writes them.</summary>
    public override string ToString()
    {
        var seconds = Math.DivRem(UnixNanoseconds, 1_000_000_000, out var nanos);
        if (nanos < 0)
        {
            seconds--;
            nanos += 1_000_000_000;
        }
        var at = DateTimeOffset.FromUnixTimeSeconds(seconds);
        return string.Create(CultureInfo.InvariantCulture, $"{at:yyyy-MM-dd'T'HH:mm:ss}.{nanos:D9}Z");
    }
}
