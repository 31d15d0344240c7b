namespace StockPlatform.MarketData.Domain;

/// <summary>A quote together with the symbol it belongs to (multi-symbol pages, stream events, batch writes).</summary>
public readonly record struct SymbolQuote(Symbol Symbol, Quote Quote);
