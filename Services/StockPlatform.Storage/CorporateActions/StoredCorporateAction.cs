using StockPlatform.MarketData.Alpaca.Rest;

namespace StockPlatform.Storage.CorporateActions;

/// <summary>
/// A corporate action as stored: Alpaca's common fields, the rates that matter for adjusting
/// bars, the factor it applies to prices (and volumes) before its ex-date, and every field Alpaca
/// sent as JSON. <see cref="PriceFactor"/> is null for types that do not adjust bars and for a
/// dividend whose reference close is not known yet.
/// </summary>
public sealed record StoredCorporateAction(
    string Id,
    string Symbol,
    string Type,
    DateOnly? ExDate,
    DateOnly? ProcessDate,
    decimal? OldRate,
    decimal? NewRate,
    decimal? Rate,
    decimal? ReferenceClose,
    decimal? PriceFactor,
    decimal? VolumeFactor,
    string FieldsJson)
{
    /// <summary>When it was last fetched (set by the store on reads).</summary>
    public DateTimeOffset? FetchedAt { get; init; }

    /// <summary>True for forward and reverse splits (they adjust prices and volumes).</summary>
    public bool IsSplit => Type is CorporateActionTypes.ForwardSplit or CorporateActionTypes.ReverseSplit;

    /// <summary>True for cash dividends (they adjust prices).</summary>
    public bool IsCashDividend => Type == CorporateActionTypes.CashDividend;
}

/// <summary>When a symbol's actions were last fetched, and over which ex-dates.</summary>
public sealed record CorporateActionRefresh(string Symbol, DateOnly Start, DateOnly End, DateTimeOffset RefreshedAt);
