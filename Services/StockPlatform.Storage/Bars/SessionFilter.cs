namespace StockPlatform.Storage.Bars;

/// <summary>Which minutes a query covers.</summary>
public enum SessionFilter
{
    /// <summary>09:30 to the close (13:00 on half days). The default for daily bars.</summary>
    Regular,

    /// <summary>Pre-market through after-hours (04:00-20:00). The default for intraday bars.</summary>
    Extended,
}
