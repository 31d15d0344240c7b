namespace StockPlatform.Storage.Bars;

/// <summary>Bars of a query and whether more follow beyond its limit (for paging).</summary>
public sealed record BarSlice(IReadOnlyList<StoredBar> Bars, bool HasMore);
