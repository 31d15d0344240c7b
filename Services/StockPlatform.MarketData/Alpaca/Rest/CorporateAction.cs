using System.Text.Json;

namespace StockPlatform.MarketData.Alpaca.Rest;

/// <summary>
/// One corporate action from <c>/v1/corporate-actions</c>. The common fields are lifted out;
/// every field Alpaca sent stays available in <see cref="Fields"/>, since each type has its own
/// (rates for splits, cash amounts for dividends, acquirer and acquiree for mergers).
/// </summary>
public sealed record CorporateAction(
    string Type,
    string Id,
    string? Symbol,
    DateOnly? ExDate,
    DateOnly? ProcessDate,
    IReadOnlyDictionary<string, JsonElement> Fields)
{
    /// <summary>A decimal field such as <c>rate</c>, <c>old_rate</c> or <c>new_rate</c>, when present.</summary>
    public decimal? GetDecimal(string field) =>
        Fields.TryGetValue(field, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDecimal() : null;
}
