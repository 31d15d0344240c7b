namespace StockPlatform.MarketData.Domain;

/// <summary>A bar together with the symbol it belongs to (multi-symbol pages, stream events).</summary>
public readonly record struct SymbolBar(Symbol Symbol, Bar Bar);
