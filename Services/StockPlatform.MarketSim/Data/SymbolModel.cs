namespace StockPlatform.MarketSim.Data;

/// <summary>
/// A symbol's character (price level, volatility, liquidity, volume) and its daily price levels.
/// Everything is derived from a hash of (seed, symbol), so every symbol, even one nobody
/// configured, gets its own stable personality.
/// </summary>
internal sealed class SymbolModel
{
    // Pull towards the symbol's base price per trading day: the level wanders (about +-25%)
    // but a 30-year span never drifts to absurd prices.
    private const double MeanReversion = 0.004;

    // Familiar tickers get a familiar price level, so a trader looking at SPY does not see $20.
    // Still synthetic: only the level the walk reverts to is anchored, never the path.
    private static readonly Dictionary<string, double> KnownLevels = new(StringComparer.Ordinal)
    {
        ["SPY"] = 450, ["QQQ"] = 380, ["IWM"] = 200, ["AAPL"] = 180, ["MSFT"] = 350, ["NVDA"] = 110,
        ["AMZN"] = 150, ["TSLA"] = 230, ["META"] = 350, ["GOOGL"] = 140, ["AMD"] = 130, ["NFLX"] = 450,
    };

    // Listing tapes of the familiar tickers (A: NYSE, B: Arca and regional, C: Nasdaq); others draw one.
    private static readonly Dictionary<string, string> KnownTapes = new(StringComparer.Ordinal)
    {
        ["SPY"] = "B", ["QQQ"] = "C", ["IWM"] = "B", ["AAPL"] = "C", ["MSFT"] = "C", ["NVDA"] = "C",
        ["AMZN"] = "C", ["TSLA"] = "C", ["META"] = "C", ["GOOGL"] = "C", ["AMD"] = "C", ["NFLX"] = "C",
    };

    // Where the generator's (economic) price level equals the raw price: split ratios are
    // applied relative to this date, so familiar tickers keep their familiar level around 2024-2025
    // whatever splits the following years bring.
    private static readonly DateOnly PriceLevelDate = new(2025, 1, 1);

    private readonly double[] _logLevels;

    public SymbolModel(int seed, string symbol, bool liquid)
    {
        Symbol = symbol;
        Hash = StableHash.Combine((ulong)seed, StableHash.Of(symbol));
        IsLiquid = liquid;

        var traits = new SeededRandom(StableHash.Combine(Hash, 0x7124175UL));
        var drawnLevel = Math.Exp(Math.Log(5) + (traits.NextDouble() * (Math.Log(600) - Math.Log(5))));
        BasePrice = KnownLevels.TryGetValue(symbol, out var known) ? known : drawnLevel;
        DailyVolatility = 0.01 + (traits.NextDouble() * 0.025);
        if (liquid)
        {
            RegularPresence = 0.995;
            ExtendedPresence = 0.7 + (traits.NextDouble() * 0.25);
            BaseVolume = Math.Exp(Math.Log(20_000) + (traits.NextDouble() * (Math.Log(250_000) - Math.Log(20_000))));
            // 20 to 60 trades in a typical minute (up to a few hundred at the open): far fewer than
            // the real tape, so a session's trades stay cheap to generate, serve and store.
            TradeSize = BaseVolume / (20 + (traits.NextDouble() * 40));
            IexPresence = 0.96;
        }
        else
        {
            RegularPresence = 0.3 + (traits.NextDouble() * 0.4);
            ExtendedPresence = RegularPresence * (0.05 + (traits.NextDouble() * 0.1));
            BaseVolume = Math.Exp(Math.Log(150) + (traits.NextDouble() * (Math.Log(4_000) - Math.Log(150))));
            TradeSize = 40 + (traits.NextDouble() * 80);
            IexPresence = 0.45 + (traits.NextDouble() * 0.2);
        }
        IexVolumeShare = 0.02 + (traits.NextDouble() * 0.04);
        Tape = KnownTapes.TryGetValue(symbol, out var tape) ? tape : "ABC"[(int)(StableHash.Combine(Hash, 0x7A9EUL) % 3)].ToString();

        _logLevels = ComputeLogLevels(seed);
        Splits = CorporateActionsGenerator.Splits(seed, symbol);
    }

    public string Symbol { get; }

    /// <summary>Hash of (seed, symbol): the root of every random stream of this symbol.</summary>
    public ulong Hash { get; }

    public bool IsLiquid { get; }

    /// <summary>The price the daily walk reverts to, between $5 and $600.</summary>
    public double BasePrice { get; }

    /// <summary>Standard deviation of one day's log return.</summary>
    public double DailyVolatility { get; }

    /// <summary>Probability that a regular-session minute has trades on SIP.</summary>
    public double RegularPresence { get; }

    /// <summary>Probability that an extended-hours minute has trades on SIP (before the time-of-day profile).</summary>
    public double ExtendedPresence { get; }

    /// <summary>Typical shares per regular-session minute on SIP.</summary>
    public double BaseVolume { get; }

    /// <summary>Typical shares per trade.</summary>
    public double TradeSize { get; }

    /// <summary>Probability that a minute with SIP trades also has IEX trades.</summary>
    public double IexPresence { get; }

    /// <summary>IEX's share of the volume (a few percent, as on the real exchange).</summary>
    public double IexVolumeShare { get; }

    /// <summary>The tape the symbol's trades and quotes are reported on (A, B or C).</summary>
    public string Tape { get; }

    /// <summary>The symbol's forward and reverse splits over the whole data span, in ex-date order.</summary>
    public IReadOnlyList<SplitEvent> Splits { get; }

    /// <summary>
    /// What the economic price level is multiplied by to give the raw (as traded) price on
    /// <paramref name="date"/>: the product of <c>new_rate / old_rate</c> over the splits with an
    /// ex-date after <paramref name="date"/>, relative to the same product at the price-level date.
    /// That is the brief's "product over all later splits" up to one constant per symbol, so the
    /// jumps at ex-dates (all that raw data and adjustments see) are exactly the split ratios.
    /// </summary>
    public double RawPriceFactor(DateOnly date)
    {
        var (numerator, denominator) = RawRatio(date);
        return (double)numerator / denominator;
    }

    /// <summary>The inverse of <see cref="RawPriceFactor"/>: raw volume is economic volume times this.</summary>
    public double RawVolumeFactor(DateOnly date)
    {
        var (numerator, denominator) = RawRatio(date);
        return (double)denominator / numerator;
    }

    private (long Numerator, long Denominator) RawRatio(DateOnly date)
    {
        long numerator = 1, denominator = 1;
        foreach (var split in Splits)
        {
            if (date < split.ExDate && split.ExDate <= PriceLevelDate)
            {
                numerator *= split.NewRate;
                denominator *= split.OldRate;
            }
            else if (PriceLevelDate < split.ExDate && split.ExDate <= date)
            {
                numerator *= split.OldRate;
                denominator *= split.NewRate;
            }
        }
        return (numerator, denominator);
    }

    /// <summary>
    /// The price at which <paramref name="session"/> starts (04:00 New York). The intraday walk of
    /// a day ends at the next day's anchor, so prices continue across days and weekends.
    /// </summary>
    public double AnchorPrice(SessionTimes session) => AnchorPrice(session.Date);

    /// <summary>The economic price level at the start of <paramref name="date"/> (clamped to the data span).</summary>
    public double AnchorPrice(DateOnly date)
    {
        var index = Math.Clamp(date.DayNumber - MarketCalendar.FirstDate.DayNumber, 0, _logLevels.Length - 1);
        return BasePrice * Math.Exp(_logLevels[index]);
    }

    // One log return per trading day, each from its own hash of (seed, symbol, date): the level
    // of any day depends only on the days before it, never on what was asked for.
    private double[] ComputeLogLevels(int seed)
    {
        var levels = new double[MarketCalendar.Length];
        var level = 0.0;
        var first = MarketCalendar.FirstDate.DayNumber;
        for (var i = 0; i < levels.Length; i++)
        {
            if (MarketCalendar.IsTradingIndex(i))
            {
                var hash = StableHash.Combine(Hash, (ulong)(first + i), (ulong)seed);
                var shock = new SeededRandom(hash).NextGaussian();
                level = (level * (1 - MeanReversion)) + (shock * DailyVolatility);
            }
            levels[i] = level;
        }
        return levels;
    }
}
