using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketSim.Data;

/// <summary>
/// The ground truth MarketSim serves: deterministic synthetic bars for any symbol, feed and
/// trading day from 2000 to 2030. The service resolves it from DI
/// (<c>app.Services.GetRequiredService&lt;SyntheticMarket&gt;()</c>); a test can also build its
/// own with the same seed and liquid symbols and get the very bars the service sends.
/// </summary>
/// <remarks>
/// A day's bars come from a seeded random walk per (seed, symbol, date) that runs from that day's
/// anchor price to the next day's, the anchors following a per-symbol daily series, so a bar never
/// depends on the requested range, page size or call order. Thread-safe.
/// </remarks>
public sealed class SyntheticMarket
{
    // A session is about 100 KB (two feeds); this bounds the cache near 60 MB.
    private const int SessionCacheCapacity = 600;

    private readonly HashSet<string> _liquid;
    private readonly BoundedCache<string, SymbolModel> _models = new(1024);
    private readonly BoundedCache<(string Symbol, int Day), MarketSession> _sessions = new(SessionCacheCapacity);

    // Finished days' daily bars, kept far longer than sessions: a daily query over years would
    // otherwise regenerate every session of the span on each call.
    private readonly BoundedCache<(string Symbol, string Feed, int Day), Bar?> _dailyBars = new(100_000);

    /// <summary>Creates the data source for a seed; symbols in <paramref name="liquidSymbols"/> trade nearly every minute.</summary>
    public SyntheticMarket(int seed, IEnumerable<string> liquidSymbols)
    {
        Seed = seed;
        _liquid = new HashSet<string>(liquidSymbols, StringComparer.Ordinal);
    }

    /// <summary>First date with data.</summary>
    public static DateOnly FirstDate => MarketCalendar.FirstDate;

    /// <summary>Last date with data.</summary>
    public static DateOnly LastDate => MarketCalendar.LastDate;

    /// <summary>The seed every bar derives from.</summary>
    public int Seed { get; }

    /// <summary>Symbols that trade in nearly every regular-session minute.</summary>
    public IReadOnlyCollection<string> LiquidSymbols => _liquid;

    /// <summary>True for a configured liquid symbol.</summary>
    public bool IsLiquid(string symbol) => _liquid.Contains(symbol);

    /// <summary>
    /// The final minute bars of <paramref name="symbol"/> on <paramref name="date"/> (the whole
    /// extended session, regardless of the simulated clock); empty on closed days.
    /// </summary>
    /// <param name="symbol">A ticker (<see cref="Symbol"/> rules).</param>
    /// <param name="feed"><c>iex</c>, or any other feed for the SIP view.</param>
    /// <param name="date">The trading date (New York).</param>
    public IReadOnlyList<Bar> GetMinuteBars(string symbol, string feed, DateOnly date) =>
        GetSession(Symbol.Parse(symbol), feed, date)?.Bars ?? [];

    /// <summary>
    /// The minutes of a session whose bar is corrected by a late trade: the stream sends the
    /// preliminary bar as <c>b</c> and the final one as <c>u</c> about 30 seconds later.
    /// </summary>
    public IReadOnlyList<DateTimeOffset> GetCorrectedMinutes(string symbol, string feed, DateOnly date) =>
        GetSession(Symbol.Parse(symbol), feed, date)?.Preliminary.Keys.Order().ToArray() ?? [];

    /// <summary>The preliminary bar of a corrected minute (see <see cref="GetCorrectedMinutes"/>), or null.</summary>
    public Bar? GetPreliminaryBar(string symbol, string feed, DateTimeOffset minute)
    {
        var session = GetSession(Symbol.Parse(symbol), feed, NewYorkTime.DateOf(minute));
        return session is not null && session.TryGetPreliminary(minute, out var bar) ? bar : null;
    }

    /// <summary>
    /// What <c>GET /v2/stocks/{symbol}/bars</c> returns over all pages, ascending: bars labelled
    /// within [<paramref name="start"/>, <paramref name="end"/>] whose data ended by
    /// <paramref name="asOf"/> (default: no limit).
    /// </summary>
    public IReadOnlyList<Bar> GetBars(string symbol, string feed, BarInterval interval, DateTimeOffset start, DateTimeOffset end, DateTimeOffset? asOf = null) =>
        EnumerateBars(Symbol.Parse(symbol), feed, interval, start, end, descending: false, asOf ?? DateTimeOffset.MaxValue).ToList();

    internal SessionBars? GetSession(Symbol symbol, string feed, DateOnly date)
    {
        if (MarketCalendar.Get(date) is not { } times) return null;
        return _sessions.GetOrAdd((symbol.Value, date.DayNumber), key => SessionGenerator.Generate(Model(key.Symbol), times)).For(feed);
    }

    /// <summary>
    /// Bars labelled within [start, end] in time order, built only from minutes that ended by
    /// <paramref name="asOf"/>. Intraday buckets are aligned to New York midnight; daily bars
    /// are labelled New York midnight and cover the regular session.
    /// </summary>
    internal IEnumerable<Bar> EnumerateBars(Symbol symbol, string feed, BarInterval interval, DateTimeOffset start, DateTimeOffset end, bool descending, DateTimeOffset asOf)
    {
        if (end > asOf) end = asOf;
        if (start > end) yield break;

        var first = NewYorkTime.DateOf(start);
        var last = NewYorkTime.DateOf(end);
        if (first < FirstDate) first = FirstDate;
        if (last > LastDate) last = LastDate;

        var date = descending ? last : first;
        while (descending ? date >= first : date <= last)
        {
            if (interval.IsDaily && MarketCalendar.Get(date) is { } day && asOf >= day.CloseUtc)
            {
                if (day.MidnightUtc >= start && day.MidnightUtc <= end && DailyBar(symbol, feed, date) is { } daily) yield return daily;
            }
            else if (GetSession(symbol, feed, date) is { } session)
            {
                var bars = BarsOfDay(session, interval, start, end, asOf);
                if (descending)
                {
                    for (var i = bars.Count - 1; i >= 0; i--) yield return bars[i];
                }
                else
                {
                    foreach (var bar in bars) yield return bar;
                }
            }
            date = date.AddDays(descending ? -1 : 1);
        }
    }

    private static List<Bar> BarsOfDay(SessionBars session, BarInterval interval, DateTimeOffset start, DateTimeOffset end, DateTimeOffset asOf)
    {
        var result = new List<Bar>();
        if (interval.IsDaily)
        {
            var label = session.Times.MidnightUtc;
            if (label >= start && label <= end && session.RegularAggregate(asOf) is { } daily) result.Add(daily);
            return result;
        }

        var ended = session.EndedBy(asOf);
        if (interval.Minutes == 1)
        {
            foreach (var bar in ended)
            {
                if (bar.Timestamp >= start && bar.Timestamp <= end) result.Add(bar);
            }
            return result;
        }

        var midnight = session.Times.MidnightUtc;
        var from = 0;
        while (from < ended.Length)
        {
            var bucket = Bucket(ended[from].Timestamp, midnight, interval.Minutes);
            var to = from + 1;
            while (to < ended.Length && Bucket(ended[to].Timestamp, midnight, interval.Minutes) == bucket) to++;
            var label = midnight.AddMinutes(bucket * interval.Minutes);
            if (label >= start && label <= end) result.Add(BarAggregator.Aggregate(ended[from..to], label));
            from = to;
        }
        return result;
    }

    // Trading hours never contain a DST switch (02:00 on a Sunday), so minutes since New York
    // midnight are the wall-clock minutes.
    private static int Bucket(DateTimeOffset minute, DateTimeOffset midnight, int length) =>
        (int)(minute - midnight).TotalMinutes / length;

    private Bar? DailyBar(Symbol symbol, string feed, DateOnly date) =>
        _dailyBars.GetOrAdd((symbol.Value, feed == "iex" ? "iex" : "sip", date.DayNumber), _ => GetSession(symbol, feed, date)?.RegularAggregate(DateTimeOffset.MaxValue));

    private SymbolModel Model(string symbol) =>
        _models.GetOrAdd(symbol, s => new SymbolModel(Seed, s, _liquid.Contains(s)));
}
