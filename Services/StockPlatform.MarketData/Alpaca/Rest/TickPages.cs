using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketData.Alpaca.Rest;

/// <summary>
/// One page of trades as Alpaca returned it, in Alpaca's order (symbol, then time in the asked
/// sort). <see cref="NextPageToken"/> is null on the last page; otherwise it resumes the query
/// after this page (<see cref="TickRequest.PageToken"/>).
/// </summary>
public sealed record TradePage(int Number, IReadOnlyList<SymbolTrade> Trades, bool IsLast, string? NextPageToken);

/// <summary>One page of quotes as Alpaca returned it; see <see cref="TradePage"/>.</summary>
public sealed record QuotePage(int Number, IReadOnlyList<SymbolQuote> Quotes, bool IsLast, string? NextPageToken);
