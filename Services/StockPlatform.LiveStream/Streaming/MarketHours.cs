using StockPlatform.MarketData.Calendar;

namespace StockPlatform.LiveStream.Streaming;

/// <summary>When the stream should be talking: a trading day's extended session (silence outside it is normal).</summary>
public static class MarketHours
{
    public static bool IsOpen(DateTimeOffset now) =>
        NyseCalendar.GetTradingDay(NewYorkTime.DateOf(now)) is { } day && day.IsExtendedMinute(now);
}
