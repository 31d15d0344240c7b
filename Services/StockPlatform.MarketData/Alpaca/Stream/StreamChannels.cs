namespace StockPlatform.MarketData.Alpaca.Stream;

/// <summary>The stream's channels a symbol can be subscribed to; combine them (<c>Bars | Trades</c>).</summary>
[Flags]
public enum StreamChannels
{
    /// <summary>No channel.</summary>
    None = 0,

    /// <summary><c>bars</c>: minute bars.</summary>
    Bars = 1,

    /// <summary><c>updatedBars</c>: minute bars a late trade changed.</summary>
    UpdatedBars = 2,

    /// <summary><c>dailyBars</c>: the day's bar so far.</summary>
    DailyBars = 4,

    /// <summary><c>trades</c>, which bring their <c>corrections</c> and <c>cancelErrors</c> along.</summary>
    Trades = 8,

    /// <summary><c>quotes</c>: best bid and ask.</summary>
    Quotes = 16,

    /// <summary>Every channel.</summary>
    All = Bars | UpdatedBars | DailyBars | Trades | Quotes,
}
