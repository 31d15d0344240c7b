using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketSim.Data;

/// <summary>
/// One symbol's minute bars for one session on one feed: the final bars (what REST serves) and,
/// for the few minutes with a late trade, the preliminary bar the stream sends first. The
/// trades and quotes behind each final bar are regenerated on demand from the bar itself
/// (<see cref="TradeTape"/>); only each minute's notional and first trade number are kept.
/// </summary>
internal sealed class SessionBars
{
    // Trade ids: per symbol and feed, increasing across days, unique per day with room for every
    // minute's maximum; SIP's are large like the real tape's, IEX's small like IEX's own.
    private const long IdsPerDay = 1_000_000;
    private const long SipIdBase = 10_000_000_000_000;

    private readonly Dictionary<DateTimeOffset, Bar> _preliminary;
    private readonly long[] _notionals;
    private readonly int[] _firstTrade;
    private readonly Lazy<Bar?> _daily;

    public SessionBars(SymbolModel model, SessionTimes times, bool iex, Bar[] bars, long[] notionals, Dictionary<DateTimeOffset, Bar> preliminary)
    {
        Model = model;
        Times = times;
        IsIex = iex;
        Bars = bars;
        _notionals = notionals;
        _preliminary = preliminary;
        _firstTrade = new int[bars.Length];
        var count = 0;
        for (var i = 0; i < bars.Length; i++)
        {
            _firstTrade[i] = count;
            count += (int)bars[i].TradeCount;
        }
        _daily = new Lazy<Bar?>(() => Aggregate(times.CloseUtc));
    }

    public SymbolModel Model { get; }

    public SessionTimes Times { get; }

    /// <summary>True for the IEX feed's view, false for SIP's.</summary>
    public bool IsIex { get; }

    /// <summary>Final minute bars, ascending.</summary>
    public Bar[] Bars { get; }

    /// <summary>Sum of price (in ticks) times size over the trades of each bar: the exact vwap of any run of bars.</summary>
    public ReadOnlySpan<long> Notionals => _notionals;

    /// <summary>The trades of <c>Bars[index]</c>, in time order.</summary>
    public Trade[] TradesOf(int index)
    {
        var bar = Bars[index];
        var minute = MinuteIndex(bar);
        var id = (IsIex ? 1 : SipIdBase) + ((Times.Date.DayNumber - MarketCalendar.FirstDate.DayNumber) * IdsPerDay) + _firstTrade[index];
        return TradeTape.Trades(Template(bar), Seed(minute), NanoTime.From(bar.Timestamp).UnixNanoseconds, id,
            IsIex, !Times.IsRegularMinute(bar.Timestamp), Model.Tape);
    }

    /// <summary>The quotes of the minute of <c>Bars[index]</c>, in time order.</summary>
    public Quote[] QuotesOf(int index)
    {
        var bar = Bars[index];
        return TradeTape.Quotes(Template(bar), Seed(MinuteIndex(bar)), NanoTime.From(bar.Timestamp).UnixNanoseconds, IsIex, Model.IsLiquid, Model.Tape);
    }

    private int MinuteIndex(Bar bar) => (int)((bar.Timestamp - Times.SessionOpenUtc).Ticks / TimeSpan.TicksPerMinute);

    private ulong Seed(int minute) => SessionGenerator.MinuteSeed(Model, Times, minute, IsIex);

    private static MinuteTemplate Template(Bar bar) => new(
        Ticks(bar.Open), Ticks(bar.High), Ticks(bar.Low), Ticks(bar.Close), bar.Volume, (int)bar.TradeCount);

    private static long Ticks(decimal price) => (long)(price * TickGrid.PerDollar);

    /// <summary>Minutes whose bar gets corrected by a late trade.</summary>
    public IReadOnlyDictionary<DateTimeOffset, Bar> Preliminary => _preliminary;

    /// <summary>The final bar starting at <paramref name="minute"/>, if that minute had trades.</summary>
    public bool TryGetBar(DateTimeOffset minute, out Bar bar)
    {
        var index = LowerBound(minute);
        if (index < Bars.Length && Bars[index].Timestamp == minute)
        {
            bar = Bars[index];
            return true;
        }
        bar = default;
        return false;
    }

    /// <summary>The bar the stream sends first for <paramref name="minute"/> when a late trade corrects it later.</summary>
    public bool TryGetPreliminary(DateTimeOffset minute, out Bar bar) => _preliminary.TryGetValue(minute, out bar);

    /// <summary>Index of the first bar starting at or after <paramref name="instant"/>.</summary>
    public int LowerBound(DateTimeOffset instant)
    {
        int lo = 0, hi = Bars.Length;
        while (lo < hi)
        {
            var mid = (lo + hi) >>> 1;
            if (Bars[mid].Timestamp < instant) lo = mid + 1;
            else hi = mid;
        }
        return lo;
    }

    /// <summary>The bars whose minute has ended by <paramref name="asOf"/>.</summary>
    public ReadOnlySpan<Bar> EndedBy(DateTimeOffset asOf) => Bars.AsSpan(0, LowerBound(asOf.AddMinutes(-1).AddTicks(1)));

    /// <summary>
    /// The daily bar (labelled New York midnight) of the regular-session minutes that ended by
    /// <paramref name="asOf"/>; null before the first regular trade.
    /// </summary>
    public Bar? RegularAggregate(DateTimeOffset asOf)
    {
        return asOf >= Times.CloseUtc ? _daily.Value : Aggregate(asOf);
    }

    private Bar? Aggregate(DateTimeOffset asOf)
    {
        var from = LowerBound(Times.OpenUtc);
        var to = LowerBound(Min(Times.CloseUtc, asOf.AddMinutes(-1).AddTicks(1)));
        return to > from ? BarAggregator.Aggregate(Bars.AsSpan(from, to - from), Notionals[from..to], Times.MidnightUtc) : null;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

/// <summary>A session's bars on both feeds: they share one price path, IEX sees a thinner slice of it.</summary>
internal sealed record MarketSession(SessionBars Sip, SessionBars Iex)
{
    public SessionBars For(string feed) => feed == "iex" ? Iex : Sip;
}
