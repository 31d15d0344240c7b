using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketSim.Data;

/// <summary>Folds minute bars into one longer bar, as Alpaca builds its 5Min/1Hour/1Day bars.</summary>
internal static class BarAggregator
{
    /// <summary>
    /// Aggregates <paramref name="bars"/> (ascending, non-empty) under the label <paramref name="start"/>;
    /// <paramref name="notionals"/> are the bars' exact notionals, so the vwap is that of all their trades.
    /// </summary>
    public static Bar Aggregate(ReadOnlySpan<Bar> bars, ReadOnlySpan<long> notionals, DateTimeOffset start)
    {
        var high = bars[0].High;
        var low = bars[0].Low;
        long volume = 0, trades = 0, notional = 0;
        for (var i = 0; i < bars.Length; i++)
        {
            var bar = bars[i];
            if (bar.High > high) high = bar.High;
            if (bar.Low < low) low = bar.Low;
            volume += bar.Volume;
            trades += bar.TradeCount;
            notional += notionals[i];
        }
        return new Bar(start, bars[0].Open, high, low, bars[^1].Close, volume, trades, TradeTape.Vwap(notional, volume));
    }
}
