using StockPlatform.MarketData.Calendar;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Jobs;
using StockPlatform.Storage.Ledger;

namespace StockPlatform.Ingestion.Backfill;

/// <summary>
/// A claimed window's running counts while its batch works: the sessions still to fetch (per
/// dataset), the sessions done, the bars, trades and quotes it stored (carried over from an
/// interrupted earlier attempt). A session is done once every dataset the window fetches has it
/// whole. Several fetches may touch one window at once (a run cut into chunks, the datasets of one
/// session), so changes go through <see cref="Gate"/>, which also keeps its progress writes in order.
/// </summary>
internal sealed class WindowState
{
    private readonly Dictionary<DateOnly, HashSet<string>> _remaining = [];

    public WindowState(WindowWork work)
    {
        Task = work.Task;
        SessionsTotal = work.Sessions.Count;
        foreach (var (dataset, date) in work.AllMissing)
        {
            if (!_remaining.TryGetValue(date, out var datasets)) _remaining[date] = datasets = new(StringComparer.Ordinal);
            datasets.Add(dataset);
        }
        SessionsDone = work.Sessions.Count(day => !_remaining.ContainsKey(day.Date));
        Totals = new((int)work.Task.BarsInserted, (int)work.Task.BarsCorrected, 0);
        Ticks = new(work.Task.TradesInserted, work.Task.QuotesInserted);
    }

    public JobTask Task { get; }

    public int SessionsTotal { get; }

    public int SessionsDone { get; private set; }

    /// <summary>Every (dataset, session) missing and not yet fetched whole.</summary>
    public IEnumerable<(string Dataset, DateOnly Date)> Remaining =>
        _remaining.SelectMany(pair => pair.Value.Select(dataset => (dataset, pair.Key)));

    /// <summary>How many (dataset, session) pairs are left.</summary>
    public int RemainingCount => _remaining.Values.Sum(datasets => datasets.Count);

    /// <summary>True once every dataset of every session is fetched whole.</summary>
    public bool IsFinished => _remaining.Count == 0;

    public UpsertResult Totals { get; set; }

    public TickCounts Ticks { get; set; }

    /// <summary>False once the window is done, failed, or no longer this agent's.</summary>
    public bool Open { get; set; } = true;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    /// <summary>
    /// Counts a dataset of a session fetched whole (hold <see cref="Gate"/>); the session is done
    /// when it was its last dataset. False when the window did not need it (any more).
    /// </summary>
    public bool Finish(string dataset, DateOnly date)
    {
        if (!_remaining.TryGetValue(date, out var datasets) || !datasets.Remove(dataset)) return false;
        if (datasets.Count == 0)
        {
            _remaining.Remove(date);
            SessionsDone++;
        }
        return true;
    }

    public string Describe() => $"{Task.Symbol} {Task.Start:yyyy-MM-dd}..{Task.End:yyyy-MM-dd}";

    /// <summary>Every (dataset, symbol, session) each open window still needs, to find the windows a page or a whole session belongs to.</summary>
    public static Dictionary<(string Dataset, string Symbol, DateOnly Date), List<WindowState>> IndexRemaining(IEnumerable<WindowState> windows)
    {
        var index = new Dictionary<(string, string, DateOnly), List<WindowState>>();
        foreach (var window in windows)
        {
            foreach (var (dataset, date) in window.Remaining)
            {
                var key = (dataset, window.Task.Symbol, date);
                if (!index.TryGetValue(key, out var list)) index[key] = list = [];
                list.Add(window);
            }
        }
        return index;
    }

    /// <summary>The sessions of a window that have begun, from the stored calendar.</summary>
    public static List<TradingDay> SessionsOf(JobTask task, IEnumerable<TradingDay> calendar, DateTimeOffset now) =>
        [.. calendar.Where(day => day.Date >= task.Start && day.Date <= task.End && day.SessionOpenUtc <= now)];
}
