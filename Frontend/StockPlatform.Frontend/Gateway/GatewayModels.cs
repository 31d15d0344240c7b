namespace StockPlatform.Frontend.Gateway;

// The gateway's answers as the dashboard reads them (its JSON is snake_case; see GatewayClient).

/// <summary>
/// Sessions and bars done so far, and the windows that failed for good; <c>rows_inserted</c> (rows
/// per dataset: bars, trades, quotes) only where the gateway reports it.
/// </summary>
public sealed record JobProgress(
    int SessionsDone, int SessionsTotal, long BarsInserted, long BarsCorrected, int FailedWindows, IReadOnlyDictionary<string, long>? RowsInserted = null);

/// <summary>
/// A job: a backfill (of the datasets in <c>data</c>: bars, trades, quotes), a feature rebuild
/// (whose feed names the feature set and version) or a corporate actions refresh.
/// </summary>
public sealed record Job(
    Guid JobId, string Symbol, IReadOnlyList<string> Symbols, DateOnly Start, DateOnly End, string Feed, string Status,
    JobProgress Progress, string? Error, DateTime CreatedAt, DateTime UpdatedAt, string Kind = "backfill", IReadOnlyList<string>? Data = null)
{
    /// <summary>Queued or running: progress may still change.</summary>
    public bool IsActive => Status is "queued" or "running";
}

/// <summary>The body of <c>GET /jobs</c>.</summary>
public sealed record JobList(IReadOnlyList<Job> Jobs);

/// <summary>One window of a job (one symbol's date range).</summary>
public sealed record JobWindow(
    int Seq, string Symbol, DateOnly Start, DateOnly End, string Status, int Attempts, int SessionsDone,
    long BarsInserted, long BarsCorrected, string? Error, DateTime? RetryAt, DateTime UpdatedAt);

/// <summary>The body of <c>GET /jobs/{id}/windows</c>.</summary>
public sealed record JobWindows(Guid JobId, IReadOnlyList<JobWindow> Windows);

/// <summary>A stored (or tracked) symbol and what is stored of it; a tracked symbol may stream its trades and quotes too.</summary>
public sealed record SymbolInfo(
    string Symbol, DateTime? FirstBar, DateTime? LastBar, long BarCount, int SessionsFetched, DateTime? LastIngest, bool Tracked,
    bool TrackedTrades = false, bool TrackedQuotes = false);

/// <summary>
/// The body of <c>PUT</c> and <c>DELETE /symbols/{symbol}/tracking</c>: whether the live stream keeps
/// the symbol current, and since when; <c>trades</c> and <c>quotes</c> (whether it streams those
/// too) are null when the gateway leaves them out.
/// </summary>
public sealed record Tracking(string Symbol, bool Tracked, DateTime? TrackedSince, bool? Trades = null, bool? Quotes = null);

/// <summary>The body of <c>GET /symbols</c>.</summary>
public sealed record SymbolList(IReadOnlyList<SymbolInfo> Symbols);

/// <summary>One trading session: fetched (with its bars) or missing.</summary>
public sealed record SessionCoverage(DateOnly Date, bool Fetched, int? BarCount);

/// <summary>Consecutive missing sessions.</summary>
public sealed record MissingRange(DateOnly Start, DateOnly End, int Sessions);

/// <summary>The body of <c>GET /coverage/{symbol}</c>.</summary>
public sealed record Coverage(
    string Symbol, string Feed, DateOnly Start, DateOnly End, string Calendar, int SessionsTotal, int SessionsFetched, int SessionsMissing,
    IReadOnlyList<MissingRange> MissingRanges, IReadOnlyList<SessionCoverage> Sessions);

/// <summary>One bar.</summary>
public sealed record Bar(DateTime Timestamp, decimal Open, decimal High, decimal Low, decimal Close, long Volume, long TradeCount, decimal Vwap, bool Complete);

/// <summary>A page of <c>GET /bars/{symbol}</c>, with the adjustment its prices carry (<see cref="Display.AdjustmentText"/>).</summary>
public sealed record BarPage(string Symbol, string Interval, IReadOnlyList<Bar> Bars, string? NextPageToken, string? Adjustment = null);

/// <summary>The storage the gateway reads.</summary>
public sealed record StorageDescription(string Path, string Description, int SchemaVersion);

/// <summary>The body of <c>GET /version</c>: what is running, and where market data comes from.</summary>
public sealed record VersionInfo(string Service, string Version, string Runtime, string Environment, string MarketData, StorageDescription Storage)
{
    /// <summary>MarketSim serves synthetic data (no Alpaca keys were given).</summary>
    public bool IsSimulated => MarketData.Contains("MarketSim", StringComparison.OrdinalIgnoreCase);
}
