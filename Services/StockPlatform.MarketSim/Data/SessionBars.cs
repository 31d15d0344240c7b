using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketSim.Data;

/// <summary>
/// One symbol's minute bars for one session on one feed: the final bars (what REST serves) and,
/// for the few minutes with a late trade, the preliminary bar the stream sends first.
/// </summary>
internal sealed class SessionBars
{
    private readonly Dictionary<DateTimeOffset, Bar> _preliminary;
    private readonly Lazy<Bar?> _daily;

    public SessionBars(SessionTimes times, Bar[] bars, Dictionary<DateTimeOffset, Bar> preliminary)
    {
        Times = times;
        Bars = bars;
        _preliminary = preliminary;
        _daily = new Lazy<Bar?>(() => Aggregate(times.CloseUtc));
    }

    public SessionTimes Times { get; }

    /// <summary>Final minute bars, ascending.</summary>
    public Bar[] Bars { get; }

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
        return to > from ? BarAggregator.Aggregate(Bars.AsSpan(from, to - from), Times.MidnightUtc) : null;
    }

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;
}

/// <summary>A session's bars on both feeds: they share one price path, IEX sees a thinner slice of it.</summary>
internal sealed record MarketSession(SessionBars Sip, SessionBars Iex)
{
    public SessionBars For(string feed) => feed == "iex" ? Iex : Sip;
}
