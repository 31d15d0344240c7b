using StockPlatform.Archive.Tiering;
using StockPlatform.Features.Calculation;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Features;

namespace StockPlatform.Features.Building;

/// <summary>What one build of a feature set for one interval wrote.</summary>
/// <param name="From">The first bar recomputed (null when the interval has no bars).</param>
/// <param name="Resumed">True when it continued from a stored row, false for a full rebuild.</param>
public sealed record IntervalBuild(string Interval, DateTimeOffset? From, DateTimeOffset? To, int Rows, bool Resumed);

/// <summary>
/// Computes a feature set for a symbol and stores it, interval by interval (1m, 5m and 1d of the
/// regular session), over the bars of both tiers (sessions past the hot store's retention come
/// from the archive). Given the first bar that changed, it resumes from the stored row just
/// before it with the set's look-back of bars, which equals a full rebuild bit for bit (the
/// calculator's contract); without a usable stored row it rebuilds the whole series.
/// </summary>
public sealed class FeatureBuilder(TieredBarReader bars, FeatureStore features, FeatureRegistry registry)
{
    /// <summary>The intervals every feature set is computed for.</summary>
    public static readonly BarInterval[] Intervals = [BarInterval.OneMinute, BarInterval.FiveMinutes, BarInterval.OneDay];

    /// <summary>
    /// Recomputes <paramref name="set"/> for <paramref name="symbol"/> from the bar containing
    /// <paramref name="changedFrom"/> to the last stored bar (everything when null).
    /// </summary>
    public async Task<IReadOnlyList<IntervalBuild>> BuildAsync(Symbol symbol, FeatureSetDefinition set, DateTimeOffset? changedFrom,
        Func<IntervalBuild, Task>? onInterval = null, CancellationToken cancellationToken = default)
    {
        var metadataId = await registry.MetadataIdAsync(set, cancellationToken);
        var built = new List<IntervalBuild>(Intervals.Length);
        foreach (var interval in Intervals)
        {
            var result = await BuildIntervalAsync(symbol, set, interval, metadataId, changedFrom, cancellationToken);
            built.Add(result);
            if (onInterval is not null) await onInterval(result);
        }
        return built;
    }

    private async Task<IntervalBuild> BuildIntervalAsync(Symbol symbol, FeatureSetDefinition set, BarInterval interval, int metadataId, DateTimeOffset? changedFrom, CancellationToken cancellationToken)
    {
        var key = new FeatureSeriesKey(symbol.Value, set.Name, set.Version, interval.ToString());
        // A bar's start can precede the changed minute by up to its length (a daily bar starts at midnight).
        var resume = changedFrom is { } changed
            ? await features.GetRowBeforeAsync(key, changed - TimeSpan.FromMinutes(Math.Max(interval.Minutes, 1)), cancellationToken)
            : null;

        List<StoredBar>? history = null;
        if (resume is not null && FeatureCalculator.CanResume(set, resume.Values))
        {
            var lookBack = await ReadLatestAsync(symbol, interval, resume.Timestamp.AddMicroseconds(1), set.LookBackBars + 1, cancellationToken);
            // The stored row must still belong to a stored bar with enough bars behind it; otherwise start over.
            if (lookBack.Count == set.LookBackBars + 1 && lookBack[^1].Timestamp == resume.Timestamp)
            {
                history = lookBack;
                history.AddRange(await ReadAllAsync(symbol, interval, resume.Timestamp.AddMicroseconds(1), cancellationToken));
            }
        }
        var resumed = history is not null;
        history ??= await ReadAllAsync(symbol, interval, null, cancellationToken);
        var start = resumed ? set.LookBackBars + 1 : 0;

        var series = ToSeries(history);
        var values = FeatureCalculator.Compute(set, series, start, resumed ? resume!.Values : default);
        var width = set.Columns.Count;
        var rows = new List<FeatureRow>(history.Count - start);
        for (var i = start; i < history.Count; i++)
            rows.Add(new FeatureRow(history[i].Timestamp, values.AsSpan((i - start) * width, width).ToArray()));

        // Nothing new after the resumed row still clears rows of bars that no longer exist.
        var from = rows.Count > 0 ? rows[0].Timestamp : resumed ? resume!.Timestamp.AddMicroseconds(1) : DateTimeOffset.UnixEpoch;
        await features.ReplaceFromAsync(key, metadataId, from, rows, cancellationToken);
        return new IntervalBuild(key.Interval, rows.Count > 0 ? rows[0].Timestamp : null, rows.Count > 0 ? rows[^1].Timestamp : null, rows.Count, resumed);
    }

    private static BarSeries ToSeries(IReadOnlyList<StoredBar> bars)
    {
        var n = bars.Count;
        var (ts, open, high, low, close, volume, vwap, session) = (new long[n], new double[n], new double[n], new double[n], new double[n], new double[n], new double[n], new int[n]);
        for (var i = 0; i < n; i++)
        {
            var bar = bars[i];
            ts[i] = (bar.Timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
            (open[i], high[i], low[i], close[i]) = ((double)bar.Open, (double)bar.High, (double)bar.Low, (double)bar.Close);
            (volume[i], vwap[i]) = (bar.Volume, (double)bar.Vwap);
            session[i] = BarSeries.NewYorkSession(bar.Timestamp);
        }
        return new BarSeries(ts, open, high, low, close, volume, vwap, session);
    }

    private Task<List<StoredBar>> ReadLatestAsync(Symbol symbol, BarInterval interval, DateTimeOffset end, int count, CancellationToken cancellationToken) =>
        ReadAsync(new BarQuery(symbol, interval) { End = end, Limit = count, Latest = true, Session = SessionFilter.Regular }, cancellationToken);

    private Task<List<StoredBar>> ReadAllAsync(Symbol symbol, BarInterval interval, DateTimeOffset? start, CancellationToken cancellationToken) =>
        ReadAsync(new BarQuery(symbol, interval) { Start = start, Limit = int.MaxValue, Session = SessionFilter.Regular }, cancellationToken);

    // The store answers at most BarStore.MaxLimit bars a read: the latest bars are one read, a
    // range pages on by time across both tiers.
    private async Task<List<StoredBar>> ReadAsync(BarQuery query, CancellationToken cancellationToken) => query.Latest
        ? [.. (await bars.GetBarsAsync(query with { Limit = Math.Min(query.Limit, BarStore.MaxLimit) }, cancellationToken)).Bars]
        : await bars.StreamBarsAsync(query, oneStatement: false, cancellationToken).ToListAsync(cancellationToken);
}
