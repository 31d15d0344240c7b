using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketSim.Data;

/// <summary>
/// The ground truth MarketSim serves: deterministic synthetic bars, trades, quotes and corporate
/// actions for any symbol, feed and trading day from 2000 to 2030. The service resolves it from DI
/// (<c>app.Services.GetRequiredService&lt;SyntheticMarket&gt;()</c>); a test can also build its
/// own with the same seed and liquid symbols and get the very bars the service sends.
/// </summary>
/// <remarks>
/// A day's bars come from a seeded random walk per (seed, symbol, date) that runs from that day's
/// anchor price to the next day's, the anchors following a per-symbol daily series, so a bar never
/// depends on the requested range, page size or call order. Each minute bar is the aggregate of
/// that minute's trades (<see cref="GetTrades"/>), which are regenerated on demand from the bar,
/// and the quotes (<see cref="GetQuotes"/>) bracket the trades. Bars, trades and quotes are raw:
/// prices jump by the ratio at each split's ex-date; <see cref="GetBars(string, string, BarInterval, DateTimeOffset, DateTimeOffset, DateTimeOffset?, string, DateOnly)"/>
/// gives the adjusted series. Thread-safe.
/// </remarks>
public sealed class SyntheticMarket
{
    // A session is about 100 KB (two feeds); this bounds the cache near 60 MB.
    private const int SessionCacheCapacity = 600;

    private readonly HashSet<string> _liquid;
    private readonly BoundedCache<string, SymbolModel> _models = new(1024);
    private readonly BoundedCache<(string Symbol, int Day), MarketSession> _sessions = new(SessionCacheCapacity);

    // A liquid minute's trades and quotes are some 30 KB and 100 KB at most; the stream reads the
    // current minutes of its symbols many times over, REST a page's minutes once or twice.
    private const int MinuteCacheCapacity = 256;

    private static readonly NanoTime Forever = new(long.MaxValue);
    private static readonly DateTimeOffset NanoTimeMin = new(1678, 1, 1, 0, 0, 0, TimeSpan.Zero);
    private static readonly DateTimeOffset NanoTimeMax = new(2262, 1, 1, 0, 0, 0, TimeSpan.Zero);

    // Finished days' daily bars, kept far longer than sessions: a daily query over years would
    // otherwise regenerate every session of the span on each call.
    private readonly BoundedCache<(string Symbol, string Feed, int Day), Bar?> _dailyBars = new(100_000);
    private readonly BoundedCache<(string Symbol, bool Iex, long Minute), Trade[]> _minuteTrades = new(MinuteCacheCapacity);
    private readonly BoundedCache<(string Symbol, bool Iex, long Minute), Quote[]> _minuteQuotes = new(MinuteCacheCapacity);

    /// <summary>Creates the data source for a seed; symbols in <paramref name="liquidSymbols"/> trade nearly every minute.</summary>
    public SyntheticMarket(int seed, IEnumerable<string> liquidSymbols)
    {
        Seed = seed;
        _liquid = new HashSet<string>(liquidSymbols, StringComparer.Ordinal);
        Actions = new CorporateActionsGenerator(seed, Model);
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

    /// <summary>The corporate actions <c>/v1/corporate-actions</c> serves, which the raw bars reflect.</summary>
    internal CorporateActionsGenerator Actions { get; }

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

    /// <summary>
    /// What <c>GET /v2/stocks/{symbol}/bars?adjustment=...</c> returns over all pages when the
    /// simulated clock's New York date is <paramref name="actionsAsOf"/>: the bars of
    /// <see cref="GetBars(string, string, BarInterval, DateTimeOffset, DateTimeOffset, DateTimeOffset?)"/>
    /// adjusted for the actions with an ex-date after each bar's date and on or before
    /// <paramref name="actionsAsOf"/>.
    /// </summary>
    /// <param name="symbol">A ticker (<see cref="Symbol"/> rules).</param>
    /// <param name="feed"><c>iex</c>, or any other feed for the SIP view.</param>
    /// <param name="interval">The bar length; bars are aggregated first, then adjusted.</param>
    /// <param name="start">First bar label, inclusive.</param>
    /// <param name="end">Last bar label, inclusive.</param>
    /// <param name="asOf">Only data that ended by this instant (null: no limit), like the simulated clock.</param>
    /// <param name="adjustment"><c>raw</c>, <c>split</c>, <c>dividend</c>, <c>spin-off</c>, <c>all</c> or a comma-separated combination.</param>
    /// <param name="actionsAsOf">The date whose known actions apply (REST uses the simulated clock's New York date).</param>
    /// <exception cref="ArgumentException">An adjustment outside that list.</exception>
    public IReadOnlyList<Bar> GetBars(string symbol, string feed, BarInterval interval, DateTimeOffset start, DateTimeOffset end, DateTimeOffset? asOf, string adjustment, DateOnly actionsAsOf)
    {
        if (!BarAdjustment.TryParseKinds(adjustment, out var kinds))
            throw new ArgumentException($"'{adjustment}' is not an adjustment (raw, split, dividend, spin-off, all, or a comma-separated combination).", nameof(adjustment));
        var parsed = Symbol.Parse(symbol);
        return EnumerateBars(parsed, feed, interval, start, end, descending: false, asOf ?? DateTimeOffset.MaxValue, BarAdjustment.Create(this, parsed, kinds, actionsAsOf)).ToList();
    }

    /// <summary>
    /// What <c>GET /v2/stocks/{symbol}/trades</c> returns over all pages, ascending: the trades
    /// with <paramref name="start"/> &lt;= time &lt;= <paramref name="end"/>, regardless of the
    /// simulated clock. The trades of each minute reproduce its final bar exactly (first price the
    /// open, last the close, extremes the high and low, sizes summing to the volume, count the
    /// trade count, volume-weighted price the vwap); they are raw (never adjusted).
    /// </summary>
    /// <remarks>A list of the whole range (a liquid session has some 20,000 SIP trades): ask for days, not years.</remarks>
    /// <param name="symbol">A ticker (<see cref="Symbol"/> rules).</param>
    /// <param name="feed"><c>iex</c> (every trade on IEX, <c>V</c>), or any other feed for SIP.</param>
    /// <param name="start">First instant, inclusive.</param>
    /// <param name="end">Last instant, inclusive.</param>
    public IReadOnlyList<Trade> GetTrades(string symbol, string feed, DateTimeOffset start, DateTimeOffset end) =>
        EnumerateTrades(Symbol.Parse(symbol), feed, ToNanoTime(start), ToNanoTime(end), descending: false, Forever).ToList();

    /// <summary>
    /// What <c>GET /v2/stocks/{symbol}/quotes</c> returns over all pages, ascending: the quotes
    /// with <paramref name="start"/> &lt;= time &lt;= <paramref name="end"/>. Their times strictly
    /// increase per symbol and feed, and the latest quote at or before any trade of the same feed
    /// has bid &lt;= price &lt;= ask and bid &lt; ask.
    /// </summary>
    public IReadOnlyList<Quote> GetQuotes(string symbol, string feed, DateTimeOffset start, DateTimeOffset end) =>
        EnumerateQuotes(Symbol.Parse(symbol), feed, ToNanoTime(start), ToNanoTime(end), descending: false, Forever).ToList();

    /// <summary>
    /// The corporate actions of <paramref name="symbol"/> with an ex-date in
    /// [<paramref name="start"/>, <paramref name="end"/>], in ex-date order: what
    /// <c>/v1/corporate-actions</c> lists (cash dividends, forward and reverse splits).
    /// </summary>
    public IReadOnlyList<SyntheticCorporateAction> GetCorporateActions(string symbol, DateOnly start, DateOnly end) =>
        Actions.For(Symbol.Parse(symbol).Value, start, end).Select(action => action switch
        {
            CashDividend d => new SyntheticCorporateAction(d.Type, d.ExDate, d.Rate, null, null),
            ForwardSplit f => new SyntheticCorporateAction(f.Type, f.ExDate, null, f.NewRate, f.OldRate),
            ReverseSplit r => new SyntheticCorporateAction(r.Type, r.ExDate, null, r.NewRate, r.OldRate),
            _ => throw new InvalidOperationException($"unexpected action {action.Type}"),
        }).ToList();

    /// <summary>
    /// <paramref name="instant"/> in Unix nanoseconds, clamped to what they can hold (1678 to
    /// 2262): a range that asks for "until the year 9999" means "until the end of the data".
    /// </summary>
    internal static NanoTime ToNanoTime(DateTimeOffset instant) =>
        instant < NanoTimeMin ? new NanoTime(long.MinValue) : instant > NanoTimeMax ? Forever : NanoTime.From(instant);

    /// <summary>The raw regular-session SIP close of the last trading day before <paramref name="date"/> (what dividends are adjusted against).</summary>
    internal decimal? RawSipClose(Symbol symbol, DateOnly date)
    {
        for (var day = date.AddDays(-1); day >= FirstDate; day = day.AddDays(-1))
        {
            if (MarketCalendar.Get(day) is null) continue;
            return DailyBar(symbol, "sip", day)?.Close;
        }
        return null;
    }

    internal SessionBars? GetSession(Symbol symbol, string feed, DateOnly date)
    {
        if (MarketCalendar.Get(date) is not { } times) return null;
        return _sessions.GetOrAdd((symbol.Value, date.DayNumber), key => SessionGenerator.Generate(Model(key.Symbol), times)).For(feed);
    }

    /// <summary>Trades with start &lt;= time &lt;= min(end, asOf), ascending or descending.</summary>
    internal IEnumerable<Trade> EnumerateTrades(Symbol symbol, string feed, NanoTime start, NanoTime end, bool descending, NanoTime asOf) =>
        EnumerateTape(symbol, feed, start, end, descending, asOf, TradesOf, static t => t.Time);

    /// <summary>Quotes with start &lt;= time &lt;= min(end, asOf), ascending or descending.</summary>
    internal IEnumerable<Quote> EnumerateQuotes(Symbol symbol, string feed, NanoTime start, NanoTime end, bool descending, NanoTime asOf) =>
        EnumerateTape(symbol, feed, start, end, descending, asOf, QuotesOf, static q => q.Time);

    private Trade[] TradesOf(SessionBars session, int index) =>
        _minuteTrades.GetOrAdd((session.Model.Symbol, session.IsIex, session.Bars[index].Timestamp.UtcTicks), _ => session.TradesOf(index));

    private Quote[] QuotesOf(SessionBars session, int index) =>
        _minuteQuotes.GetOrAdd((session.Model.Symbol, session.IsIex, session.Bars[index].Timestamp.UtcTicks), _ => session.QuotesOf(index));

    // Trades and quotes exist only in minutes with a bar, each minute's within it: walk the bars
    // whose minute meets the range and filter their rows.
    private IEnumerable<T> EnumerateTape<T>(Symbol symbol, string feed, NanoTime start, NanoTime end, bool descending, NanoTime asOf,
        Func<SessionBars, int, T[]> rows, Func<T, NanoTime> timeOf)
    {
        if (end > asOf) end = asOf;
        if (start > end) yield break;

        var from = start.Microsecond;
        var to = end.Microsecond;
        var first = NewYorkTime.DateOf(from);
        var last = NewYorkTime.DateOf(to);
        if (first < FirstDate) first = FirstDate;
        if (last > LastDate) last = LastDate;
        var firstMinute = new DateTimeOffset(from.UtcTicks - (from.UtcTicks % TimeSpan.TicksPerMinute), TimeSpan.Zero);

        for (var date = descending ? last : first; descending ? date >= first : date <= last; date = date.AddDays(descending ? -1 : 1))
        {
            if (GetSession(symbol, feed, date) is not { } session) continue;
            var lo = session.LowerBound(firstMinute);
            var hi = session.LowerBound(to.AddTicks(1));
            for (var k = 0; k < hi - lo; k++)
            {
                var index = descending ? hi - 1 - k : lo + k;
                var minute = rows(session, index);
                for (var j = 0; j < minute.Length; j++)
                {
                    var row = minute[descending ? minute.Length - 1 - j : j];
                    var time = timeOf(row);
                    if (time >= start && time <= end) yield return row;
                }
            }
        }
    }

    /// <summary>
    /// Bars labelled within [start, end] in time order, built only from minutes that ended by
    /// <paramref name="asOf"/>. Intraday buckets are aligned to New York midnight; daily bars
    /// are labelled New York midnight and cover the regular session.
    /// </summary>
    internal IEnumerable<Bar> EnumerateBars(Symbol symbol, string feed, BarInterval interval, DateTimeOffset start, DateTimeOffset end, bool descending, DateTimeOffset asOf, BarAdjustment? adjustment = null) =>
        adjustment is null
            ? EnumerateRawBars(symbol, feed, interval, start, end, descending, asOf)
            : EnumerateRawBars(symbol, feed, interval, start, end, descending, asOf).Select(adjustment.Apply);

    private IEnumerable<Bar> EnumerateRawBars(Symbol symbol, string feed, BarInterval interval, DateTimeOffset start, DateTimeOffset end, bool descending, DateTimeOffset asOf)
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
            if (label >= start && label <= end) result.Add(BarAggregator.Aggregate(ended[from..to], session.Notionals[from..to], label));
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

    internal SymbolModel Model(string symbol) =>
        _models.GetOrAdd(symbol, s => new SymbolModel(Seed, s, _liquid.Contains(s)));
}

/// <summary>
/// A corporate action of <see cref="SyntheticMarket"/>, as <c>/v1/corporate-actions</c> lists it.
/// </summary>
/// <param name="Type"><c>cash_dividend</c>, <c>forward_split</c> or <c>reverse_split</c>.</param>
/// <param name="ExDate">The ex-date: bars before it are the ones adjusted.</param>
/// <param name="Rate">Cash per share of a dividend; null for splits.</param>
/// <param name="NewRate">Shares after a split (per <paramref name="OldRate"/> before); null for dividends.</param>
/// <param name="OldRate">Shares before a split; null for dividends.</param>
public sealed record SyntheticCorporateAction(string Type, DateOnly ExDate, decimal? Rate, decimal? NewRate, decimal? OldRate);
