namespace StockPlatform.MarketData.Domain;

/// <summary>A trade together with the symbol it belongs to (multi-symbol pages, stream events, batch writes).</summary>
public readonly record struct SymbolTrade(Symbol Symbol, Trade Trade);
