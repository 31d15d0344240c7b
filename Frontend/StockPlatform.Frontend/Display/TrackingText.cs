using StockPlatform.Frontend.Gateway;

namespace StockPlatform.Frontend.Display;

/// <summary>What the live stream keeps of a symbol, in the overview's Live column.</summary>
public static class TrackingText
{
    /// <summary>"" (not tracked), "tracked" (bars), "tracked + trades", "tracked + trades, quotes".</summary>
    public static string Live(SymbolInfo symbol)
    {
        if (!symbol.Tracked) return string.Empty;
        var extras = new[] { (symbol.TrackedTrades, "trades"), (symbol.TrackedQuotes, "quotes") }.Where(e => e.Item1).Select(e => e.Item2).ToList();
        return extras.Count == 0 ? "tracked" : $"tracked + {string.Join(", ", extras)}";
    }
}
