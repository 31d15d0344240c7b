namespace StockPlatform.Storage.Bars;

/// <summary>Where hourly (and other multi-minute) buckets start.</summary>
public enum HourAnchor
{
    /// <summary>On the clock (10:00, 11:00, ...), like Alpaca. The default.</summary>
    Clock,

    /// <summary>At the session open (09:30, 10:30, ...), so the first hour is the first trading hour.</summary>
    Session,
}
