namespace StockPlatform.Storage.Bars;

/// <summary>Bars of a query and whether more follow beyond its limit (for paging).</summary>
public sealed record BarSlice(IReadOnlyList<StoredBar> Bars, bool HasMore);

/// <summary>
/// What <see cref="BarStore.StreamBarsAsync"/> handed over: how many bars, the last one's start
/// (where the next page resumes) and whether more follow beyond the query's limit.
/// </summary>
public sealed record StreamedBars(int Count, DateTimeOffset? Last, bool HasMore);
