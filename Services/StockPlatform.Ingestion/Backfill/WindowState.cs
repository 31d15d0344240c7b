using StockPlatform.MarketData.Calendar;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Jobs;

namespace StockPlatform.Ingestion.Backfill;

/// <summary>
/// A claimed window's running counts while its batch works: the sessions still to fetch, the
/// sessions done, the bars it stored (carried over from an interrupted earlier attempt). Several
/// fetches may touch one window at once (a run cut into chunks), so changes go through
/// <see cref="Gate"/>, which also keeps its progress writes in order.
/// </summary>
internal sealed class WindowState(WindowWork work)
{
    public JobTask Task { get; } = work.Task;

    public int SessionsTotal { get; } = work.Sessions.Count;

    public int SessionsDone { get; set; } = work.Sessions.Count - work.Missing.Count;

    /// <summary>Missing sessions not yet fetched whole.</summary>
    public HashSet<DateOnly> Remaining { get; } = [.. work.Missing];

    public UpsertResult Totals { get; set; } = new((int)work.Task.BarsInserted, (int)work.Task.BarsCorrected, 0);

    /// <summary>False once the window is done, failed, or no longer this agent's.</summary>
    public bool Open { get; set; } = true;

    public SemaphoreSlim Gate { get; } = new(1, 1);

    public string Describe() => $"{Task.Symbol} {Task.Start:yyyy-MM-dd}..{Task.End:yyyy-MM-dd}";

    /// <summary>Every (symbol, session) each open window still needs, to find the windows a bar or a whole session belongs to.</summary>
    public static Dictionary<(string Symbol, DateOnly Date), List<WindowState>> IndexRemaining(IEnumerable<WindowState> windows)
    {
        var index = new Dictionary<(string, DateOnly), List<WindowState>>();
        foreach (var window in windows)
        {
            foreach (var date in window.Remaining)
            {
                if (!index.TryGetValue((window.Task.Symbol, date), out var list)) index[(window.Task.Symbol, date)] = list = [];
                list.Add(window);
            }
        }
        return index;
    }

    /// <summary>The sessions of a window that have begun, from the stored calendar.</summary>
    public static List<TradingDay> SessionsOf(JobTask task, IEnumerable<TradingDay> calendar, DateTimeOffset now) =>
        [.. calendar.Where(day => day.Date >= task.Start && day.Date <= task.End && day.SessionOpenUtc <= now)];
}
