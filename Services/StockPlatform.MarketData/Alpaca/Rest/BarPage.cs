using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketData.Alpaca.Rest;

/// <summary>One page of bars as Alpaca returned it, in Alpaca's order (symbol, then time).</summary>
public sealed record BarPage(int Number, IReadOnlyList<SymbolBar> Bars, bool IsLast);
