using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketSim.Data;

/// <summary>What an <c>adjustment</c> parameter asks to adjust for.</summary>
[Flags]
internal enum AdjustmentKinds
{
    /// <summary><c>raw</c> (and <c>spin-off</c>: there are no spin-offs to adjust for).</summary>
    None = 0,

    /// <summary><c>split</c>: forward and reverse splits.</summary>
    Split = 1,

    /// <summary><c>dividend</c>: cash dividends.</summary>
    Dividend = 2,

    /// <summary><c>all</c>.</summary>
    All = Split | Dividend,
}

/// <summary>
/// Adjusts raw bars for the corporate actions known as of a date, by the rules the platform
/// implements on its own (issue 18's "Adjustment semantics"): a bar of New York date d takes the
/// actions with d &lt; ex_date &lt;= as-of; a split contributes old_rate / new_rate, a cash dividend
/// 1 - rate / C (C the raw SIP daily close of the last trading day before its ex-date, the factor
/// rounded to 10 decimals); factors multiply latest ex-date first, the running product rounded to
/// 12 decimals after each step; prices and vwap become Round(raw * F, 4), volume
/// Round(raw / S, 0) with S the product of the split factors alone; a bar with F = 1 is unchanged.
/// </summary>
internal sealed class BarAdjustment
{
    private const int FactorDecimals = 12;
    private const int DividendDecimals = 10;
    private const int PriceDecimals = 4;

    // The actions that apply, latest ex-date first, and the running products after each one:
    // the actions after a date are a prefix of this list, so a bar's factors are one lookup.
    private readonly DateOnly[] _exDates;
    private readonly decimal[] _factors;
    private readonly decimal[] _splitFactors;

    private BarAdjustment(DateOnly[] exDates, decimal[] factors, decimal[] splitFactors)
    {
        _exDates = exDates;
        _factors = factors;
        _splitFactors = splitFactors;
    }

    /// <summary>Parses <c>raw</c>, <c>split</c>, <c>dividend</c>, <c>spin-off</c>, <c>all</c> and comma-separated combinations.</summary>
    public static bool TryParseKinds(string? text, out AdjustmentKinds kinds)
    {
        kinds = AdjustmentKinds.None;
        if (string.IsNullOrEmpty(text)) return true;
        foreach (var part in text.Split(','))
        {
            switch (part)
            {
                case "raw" or "spin-off": break;
                case "split": kinds |= AdjustmentKinds.Split; break;
                case "dividend": kinds |= AdjustmentKinds.Dividend; break;
                case "all": kinds |= AdjustmentKinds.All; break;
                default: return false;
            }
        }
        return true;
    }

    /// <summary>
    /// The adjustment of <paramref name="symbol"/>'s bars for <paramref name="kinds"/> and the
    /// actions with an ex-date on or before <paramref name="asOf"/>; null when nothing changes.
    /// </summary>
    public static BarAdjustment? Create(SyntheticMarket market, Symbol symbol, AdjustmentKinds kinds, DateOnly asOf)
    {
        if (kinds == AdjustmentKinds.None) return null;
        var actions = market.Actions.For(symbol.Value, SyntheticMarket.FirstDate, asOf)
            .Where(a => a is CashDividend ? kinds.HasFlag(AdjustmentKinds.Dividend) : kinds.HasFlag(AdjustmentKinds.Split))
            .OrderByDescending(a => a.SortDate)
            .ToList();
        if (actions.Count == 0) return null;

        var exDates = new DateOnly[actions.Count];
        var factors = new decimal[actions.Count + 1];
        var splitFactors = new decimal[actions.Count + 1];
        factors[0] = splitFactors[0] = 1m;
        for (var i = 0; i < actions.Count; i++)
        {
            var action = actions[i];
            exDates[i] = action.SortDate;
            var factor = Factor(market, symbol, action);
            factors[i + 1] = Math.Round(factors[i] * factor, FactorDecimals, MidpointRounding.AwayFromZero);
            splitFactors[i + 1] = action is CashDividend
                ? splitFactors[i]
                : Math.Round(splitFactors[i] * factor, FactorDecimals, MidpointRounding.AwayFromZero);
        }
        return new BarAdjustment(exDates, factors, splitFactors);
    }

    /// <summary>The bar adjusted for the actions after its New York date.</summary>
    public Bar Apply(Bar bar)
    {
        var date = NewYorkTime.DateOf(bar.Timestamp);
        var count = 0;
        while (count < _exDates.Length && _exDates[count] > date) count++;
        var factor = _factors[count];
        if (factor == 1m) return bar;
        var split = _splitFactors[count];
        return new Bar(
            bar.Timestamp,
            Price(bar.Open, factor),
            Price(bar.High, factor),
            Price(bar.Low, factor),
            Price(bar.Close, factor),
            split == 1m ? bar.Volume : (long)Math.Round(bar.Volume / split, 0, MidpointRounding.AwayFromZero),
            bar.TradeCount,
            Price(bar.Vwap, factor));
    }

    private static decimal Price(decimal raw, decimal factor) => Math.Round(raw * factor, PriceDecimals, MidpointRounding.AwayFromZero);

    private static decimal Factor(SyntheticMarket market, Symbol symbol, CorporateAction action) => action switch
    {
        ForwardSplit s => s.OldRate / s.NewRate,
        ReverseSplit s => s.OldRate / s.NewRate,
        // No close before the first day of data: nothing before it to adjust either.
        CashDividend d => market.RawSipClose(symbol, d.ExDate) is { } close
            ? Math.Round(1m - (d.Rate / close), DividendDecimals, MidpointRounding.AwayFromZero)
            : 1m,
        _ => 1m,
    };
}
