using System.Globalization;
using System.Text.Json;

namespace StockPlatform.MarketData.Alpaca.Rest;

/// <summary>
/// One corporate action from <c>/v1/corporate-actions</c>. The common fields are lifted out;
/// every field Alpaca sent stays available in <see cref="Fields"/>, since each type has its own
/// (rates for splits, cash amounts for dividends, acquirer and acquiree for mergers).
/// <see cref="Type"/> is Alpaca's group name made singular (<see cref="CorporateActionTypes"/>).
/// </summary>
public sealed record CorporateAction(
    string Type,
    string Id,
    string? Symbol,
    DateOnly? ExDate,
    DateOnly? ProcessDate,
    IReadOnlyDictionary<string, JsonElement> Fields)
{
    /// <summary>A decimal field such as <c>rate</c>, <c>old_rate</c> or <c>new_rate</c>, when present (a number, or a number in a string).</summary>
    public decimal? GetDecimal(string field) =>
        !Fields.TryGetValue(field, out var value) ? null
        : value.ValueKind == JsonValueKind.Number && value.TryGetDecimal(out var number) ? number
        : value.ValueKind == JsonValueKind.String && decimal.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out number) ? number
        : null;

    /// <summary><c>new_rate</c> of a split: shares held after (1 in a 1-for-10 reverse split).</summary>
    public decimal? NewRate => GetDecimal("new_rate");

    /// <summary><c>old_rate</c> of a split: shares held before (10 in a 1-for-10 reverse split).</summary>
    public decimal? OldRate => GetDecimal("old_rate");

    /// <summary><c>rate</c> of a cash dividend: the cash per share.</summary>
    public decimal? Rate => GetDecimal("rate");

    /// <summary>A forward or reverse split.</summary>
    public bool IsSplit => Type is CorporateActionTypes.ForwardSplit or CorporateActionTypes.ReverseSplit;

    /// <summary>A cash dividend.</summary>
    public bool IsCashDividend => Type == CorporateActionTypes.CashDividend;

    /// <summary>
    /// What a price before the split is multiplied by: <c>old_rate / new_rate</c> (0.5 for a
    /// 2-for-1 split, 10 for a 1-for-10 reverse split), unrounded; null for anything but a split with both rates.
    /// </summary>
    public decimal? SplitFactor => IsSplit && OldRate is { } old && NewRate is { } @new && @new != 0 ? old / @new : null;
}

/// <summary>The corporate-action types the platform reads, as <see cref="CorporateAction.Type"/> and <see cref="CorporateActionsRequest.Types"/> spell them.</summary>
public static class CorporateActionTypes
{
    /// <summary>Group <c>forward_splits</c> (<c>new_rate</c> &gt; <c>old_rate</c>).</summary>
    public const string ForwardSplit = "forward_split";

    /// <summary>Group <c>reverse_splits</c> (<c>new_rate</c> &lt; <c>old_rate</c>).</summary>
    public const string ReverseSplit = "reverse_split";

    /// <summary>Group <c>cash_dividends</c> (<c>rate</c> per share).</summary>
    public const string CashDividend = "cash_dividend";
}
