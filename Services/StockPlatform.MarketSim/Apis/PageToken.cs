using System.Globalization;
using System.Text;

namespace StockPlatform.MarketSim.Apis;

/// <summary>
/// Bar page cursors: base64 of <c>SYMBOL|ticks</c>, the key of the last bar returned. Like
/// Alpaca's they are opaque to clients, and the same query always yields the same tokens.
/// </summary>
internal static class PageToken
{
    public static string Encode(string symbol, DateTimeOffset timestamp) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{symbol}|{timestamp.UtcTicks}")));

    public static bool TryDecode(string token, out string symbol, out DateTimeOffset timestamp)
    {
        symbol = string.Empty;
        timestamp = default;
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
        if (!long.TryParse(text.AsSpan(separator + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)) return false;
        if (ticks < DateTimeOffset.MinValue.UtcTicks || ticks > DateTimeOffset.MaxValue.UtcTicks) return false;
        symbol = text[..separator];
        timestamp = new DateTimeOffset(ticks, TimeSpan.Zero);
        return true;
    }
}
