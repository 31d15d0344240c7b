using StockPlatform.MarketData.Domain;

namespace StockPlatform.Frontend.Gateway;

// Trades, quotes and corporate actions as the gateway answers them (issue 18's agreed shapes).
// Timestamps keep their nanoseconds: NanoTime, read by NanoTimeJsonConverter.

/// <summary>One trade of <c>GET /trades/{symbol}</c>.</summary>
public sealed record TradeRow(NanoTime Timestamp, string Exchange, decimal Price, long Size, IReadOnlyList<string> Conditions, long Id, string Tape);

/// <summary>A page of <c>GET /trades/{symbol}</c>.</summary>
public sealed record TradePage(string Symbol, IReadOnlyList<TradeRow> Trades, string? NextPageToken);

/// <summary>One quote of <c>GET /quotes/{symbol}</c>: the best bid and offer at an instant.</summary>
public sealed record QuoteRow(
    NanoTime Timestamp, string BidExchange, decimal BidPrice, long BidSize, string AskExchange, decimal AskPrice, long AskSize,
    IReadOnlyList<string> Conditions, string Tape);

/// <summary>A page of <c>GET /quotes/{symbol}</c>.</summary>
public sealed record QuotePage(string Symbol, IReadOnlyList<QuoteRow> Quotes, string? NextPageToken);

/// <summary>
/// A split or cash dividend the bars can be adjusted for. Splits carry their rates
/// (<c>new_rate</c> shares for <c>old_rate</c>), dividends their <c>rate</c> per share and the raw
/// close before the ex-date the factor was computed from. An action of another type may lack an
/// ex-date.
/// </summary>
public sealed record CorporateAction(
    string Id, string Type, DateOnly? ExDate, DateOnly? ProcessDate, decimal? OldRate, decimal? NewRate, decimal? Rate,
    decimal? ReferenceClose, decimal? PriceFactor, decimal? VolumeFactor);

/// <summary>The body of <c>GET /corporate-actions/{symbol}</c>; <c>refreshed_at</c> is null until a refresh covered the symbol.</summary>
public sealed record CorporateActionList(string Symbol, DateTime? RefreshedAt, IReadOnlyList<CorporateAction> Actions);
