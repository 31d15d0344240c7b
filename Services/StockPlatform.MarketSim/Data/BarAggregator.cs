using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketSim.Data;

/// <summary>Folds minute bars into one longer bar, as Alpaca builds its 5Min/1Hour/1Day bars.</summary>
internal static class BarAggregator
{
    /// <summary>Aggregates <paramref name="bars"/> (ascending, non-empty) under the label <paramref name="start"/>.</summary>
    public static Bar Aggregate(ReadOnlySpan<Bar> bars, DateTimeOffset start)
    {
        var high = bars[0].High;
        var low = bars[0].Low;
        long volume = 0, trades = 0;
        decimal notional = 0;
        foreach (var bar in bars)
        {
            if (bar.High > high) high = bar.High;
            if (bar.Low < low) low = bar.Low;
            volume += bar.Volume;
            trades += bar.TradeCount;
            notional += bar.Vwap * bar.Volume;
        }
        var vwap = Math.Clamp(Math.Round(notional / volume, 6, MidpointRounding.ToEven), low, high);
        return new Bar(start, bars[0].Open, high, low, bars[^1].Close, volume, trades, vwap);
    }
}
