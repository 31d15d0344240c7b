using System.Globalization;
using System.Text;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketSim.Apis;

/// <summary>
/// Page cursors: base64 of <c>SYMBOL|ticks</c>, the key of the last bar returned, or for trades
/// and quotes <c>SYMBOL|n</c> and the Unix nanoseconds of the last row (times strictly increase
/// per symbol and feed, so the time alone is the key). Like Alpaca's they are opaque to clients,
/// and the same query always yields the same tokens.
/// </summary>
internal static class PageToken
{
    private const char NanosMarker = 'n';

    public static string EncodeNanos(string symbol, NanoTime time) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{symbol}|{NanosMarker}{time.UnixNanoseconds}")));

    public static bool TryDecodeNanos(string token, out string symbol, out NanoTime time)
    {
        time = default;
        if (!TryDecodeText(token, out symbol, out var value) || value.Length < 2 || value[0] != NanosMarker) return false;
        if (!long.TryParse(value.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out var nanos)) return false;
        time = new NanoTime(nanos);
        return true;
    }

    public static string Encode(string symbol, DateTimeOffset timestamp) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{symbol}|{timestamp.UtcTicks}")));

    public static bool TryDecode(string token, out string symbol, out DateTimeOffset timestamp)
    {
        timestamp = default;
        if (!TryDecodeText(token, out symbol, out var value)) return false;
        if (!long.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)) return false;
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks) return false;
        timestamp = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }

    // The symbol and the text after the last '|'.
    private static bool TryDecodeText(string token, out string symbol, out string value)
    {
        symbol = string.Empty;
        value = string.Empty;
        var bytes = new byte[token.Length];
        if (!Convert.TryFromBase64String(token, bytes, out var length)) return false;
        string text;
        try
        {
            text = new UTF8Encoding(false, throwOnInvalidBytes: true).GetString(bytes, 0, length);
        }
        catch (DecoderFallbackException)
        {
            return false;
        }

        var separator = text.LastIndexOf('|');
        if (separator <= 0) return false;
        symbol = text[..separator];
        value = text[(separator + 1)..];
        return true;
    }
}
