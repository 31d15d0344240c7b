using StockPlatform.Storage.Bars;

namespace StockPlatform.Storage.Tests.Support;

internal static class BarReads
{
    /// <summary>
    /// Every bar of <paramref name="query"/>, read page after page the way a client pages: the next
    /// page starts one interval after the last bar of the previous one.
    /// </summary>
    public static async Task<List<StoredBar>> AllAsync(BarStore store, BarQuery query, int pageSize = BarStore.MaxLimit)
    {
        var bars = new List<StoredBar>();
        var next = query.Start;
        while (true)
        {
            var slice = await store.GetBarsAsync(query with { Start = next, Limit = pageSize });
            bars.AddRange(slice.Bars);
            if (!slice.HasMore) return bars;
            Assert.Equal(pageSize, slice.Bars.Count);
            next = slice.Bars[^1].Timestamp + query.Interval.Length;
        }
    }
}
