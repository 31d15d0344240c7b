using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketData.Alpaca.Rest;

/// <summary>A corporate-actions query: dates are inclusive; no types means every type.</summary>
public sealed record CorporateActionsRequest(IReadOnlyList<Symbol> Symbols, DateOnly Start, DateOnly End)
{
    /// <summary>Types to include (<c>forward_split</c>, <c>cash_dividend</c>, ...); empty for all.</summary>
    public IReadOnlyList<string> Types { get; init; } = [];
}
