using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.Storage.CorporateActions;

/// <summary>Which corporate actions a read adjusts for (Alpaca's <c>adjustment</c> values the platform applies).</summary>
public enum AdjustmentMode
{
    /// <summary>As traded: no adjustment (what is stored).</summary>
    Raw,

    /// <summary>Prices and volumes adjusted for forward and reverse splits.</summary>
    Split,

    /// <summary>Prices adjusted for cash dividends.</summary>
    Dividend,

    /// <summary>Both.</summary>
    All,
}

/// <summary>
/// Applies corporate actions to raw bars at read time, as Alpaca's <c>adjustment</c> does (stored
/// bars stay raw, so a newly learnt action changes every read at once). docs/market-data.md
/// states the rules; in short, a bar of trading date d is multiplied by the factors of the
/// actions with an ex-date after d, latest first, the running product rounded to 12 decimals;
/// prices round to 4 decimals, volumes divide by the split factors and round to whole shares.
/// </summary>
public sealed class BarAdjuster
{
    private const int FactorDecimals = 12;
    private const int PriceDecimals = 4;

    private readonly List<StoredCorporateAction> _actions;
    private readonly Dictionary<DateOnly, (decimal Price, decimal Volume)> _byDate = [];

    /// <summary>An adjuster for one symbol's stored actions (others, and those without a factor, are ignored).</summary>
    public BarAdjuster(IEnumerable<StoredCorporateAction> actions, AdjustmentMode mode)
    {
        Mode = mode;
        _actions = actions
            .Where(a => a is { ExDate: not null, PriceFactor: not null } && ((a.IsSplit && mode is AdjustmentMode.Split or AdjustmentMode.All)
                || (a.IsCashDividend && mode is AdjustmentMode.Dividend or AdjustmentMode.All)))
            .OrderByDescending(a => a.ExDate)
            .ToList();
    }

    /// <summary>The mode this adjuster applies.</summary>
    public AdjustmentMode Mode { get; }

    /// <summary>Parses <c>raw</c>, <c>split</c>, <c>dividend</c> or <c>all</c>; false otherwise.</summary>
    public static bool TryParseMode(string? text, out AdjustmentMode mode)
    {
        mode = text switch
        {
            null or "" or "raw" => AdjustmentMode.Raw,
            "split" => AdjustmentMode.Split,
            "dividend" => AdjustmentMode.Dividend,
            "all" => AdjustmentMode.All,
            _ => (AdjustmentMode)(-1),
        };
        return Enum.IsDefined(mode);
    }

    /// <summary>The bar adjusted for the actions after its New York trading date; unchanged when none apply.</summary>
    public Bar Adjust(Bar bar)
    {
        var (price, volume) = FactorsFor(NewYorkTime.DateOf(bar.Timestamp));
        if (price == 1m && volume == 1m) return bar;
        return bar with
        {
            Open = Price(bar.Open, price),
            High = Price(bar.High, price),
            Low = Price(bar.Low, price),
            Close = Price(bar.Close, price),
            Vwap = Price(bar.Vwap, price),
            Volume = (long)Math.Round(bar.Volume / volume, 0, MidpointRounding.AwayFromZero),
        };
    }

    /// <summary>The price factor and the split-only volume divisor for bars of <paramref name="date"/>.</summary>
    public (decimal Price, decimal Volume) FactorsFor(DateOnly date)
    {
        if (_byDate.TryGetValue(date, out var known)) return known;
        decimal price = 1m, volume = 1m;
        foreach (var action in _actions)
        {
            if (action.ExDate <= date) break; // latest first: the rest are earlier still
            price = Math.Round(price * action.PriceFactor!.Value, FactorDecimals, MidpointRounding.AwayFromZero);
            if (action.IsSplit) volume = Math.Round(volume * action.PriceFactor.Value, FactorDecimals, MidpointRounding.AwayFromZero);
        }
        return _byDate[date] = (price, volume);
    }

    /// <summary>The factor a cash dividend applies to earlier prices: 1 - rate / the raw close before its ex-date, rounded to 10 decimals.</summary>
    public static decimal DividendFactor(decimal rate, decimal referenceClose) =>
        Math.Round(1m - (rate / referenceClose), 10, MidpointRounding.AwayFromZero);

    private static decimal Price(decimal raw, decimal factor) => Math.Round(raw * factor, PriceDecimals, MidpointRounding.AwayFromZero);
}
