using System.Globalization;
using System.Text.Json;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.Testing;

/// <summary>Reads the bars of a gateway <c>GET /bars</c> answer. Linked into the end-to-end tests.</summary>
internal static class GatewayBars
{
    public static List<Bar> Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return [.. document.RootElement.GetProperty("bars").EnumerateArray().Select(bar => new Bar(
            DateTimeOffset.Parse(bar.GetProperty("timestamp").GetString()!, CultureInfo.InvariantCulture),
            bar.GetProperty("open").GetDecimal(), bar.GetProperty("high").GetDecimal(), bar.GetProperty("low").GetDecimal(),
            bar.GetProperty("close").GetDecimal(), bar.GetProperty("volume").GetInt64(), bar.GetProperty("trade_count").GetInt64(),
            bar.GetProperty("vwap").GetDecimal()))];
    }
}
