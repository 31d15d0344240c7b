namespace StockPlatform.MarketData.Domain;

/// <summary>A bar together with the symbol it belongs to (multi-symbol pages, stream events).</summary>
public readonly record struct SymbolBar(Symbol Symbol, Bar Bar);

/// <summary>A trade together with the symbol it belongs to (multi-symbol pages, stream events, batch writes).</summary>
public readonly record struct SymbolTrade(Symbol Symbol, Trade Trade);

/// <summary>A quote together with the symbol it belongs to (multi-symbol pages, stream events, batch writes).</summary>
public readonly record struct SymbolQuote(Symbol Symbol, Quote Quote);
