using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Jobs;
using StockPlatform.Storage.Ledger;

namespace StockPlatform.Ingestion.Backfill;

/// <summary>
/// A claimed window and what its gap scan found: its sessions so far, and those the ledger lacks:
/// <see cref="Missing"/> for bars (empty when the window fetches none), <see cref="TicksMissing"/>
/// for each of trades and quotes it fetches.
/// </summary>
internal sealed record WindowWork(JobTask Task, IReadOnlyList<TradingDay> Sessions, IReadOnlySet<DateOnly> Missing)
{
    /// <summary>The sessions the ledger lacks per tick dataset the window fetches (trades, quotes).</summary>
    public IReadOnlyDictionary<string, IReadOnlySet<DateOnly>> TicksMissing { get; init; } = new Dictionary<string, IReadOnlySet<DateOnly>>();

    /// <summary>Every (dataset, session) missing: bars and ticks alike.</summary>
    public IEnumerable<(string Dataset, DateOnly Date)> AllMissing =>
        Missing.Select(date => (LedgerDatasets.Bars, date))
            .Concat(TicksMissing.SelectMany(pair => pair.Value.Select(date => (pair.Key, date))));

    /// <summary>
    /// A window whose last attempt failed is fetched on its own, so whatever failed it (a symbol
    /// Alpaca refuses, bars that fail validation) cannot fail the windows it would share pages with.
    /// </summary>
    public bool Solo => Task.Error is not null;
}

/// <summary>One paged request: these symbols over these consecutive trading sessions.</summary>
internal sealed record FetchItem(string Feed, IReadOnlyList<string> Symbols, IReadOnlyList<TradingDay> Sessions)
{
    public override string ToString() =>
        $"{(Symbols.Count <= 3 ? string.Join(',', Symbols) : $"{Symbols[0]}..{Symbols[^1]} ({Symbols.Count} symbols)")} {Sessions[0].Date:yyyy-MM-dd}..{Sessions[^1].Date:yyyy-MM-dd}";
}

/// <summary>
/// Turns a batch of windows into as few paged requests as the data needs. Alpaca's cost is the
/// request, and a request's last page is part-filled, so: each symbol's missing sessions across
/// all its windows in the batch become runs of consecutive sessions (one range each, not one per
/// window); symbols with the same runs share one multi-symbol request, whose pages fill across
/// symbols; and a request big enough to keep several workers busy is cut into a few date chunks of
/// at least <see cref="MinPagesPerChunk"/> pages each, so the extra part-filled pages stay under
/// one in twenty.
/// </summary>
internal static class FetchPlanner
{
    /// <summary>The smallest chunk worth its own part-filled last page (at most 1/20 = 5% waste).</summary>
    public const int MinPagesPerChunk = 20;

    /// <summary>Symbols per request: keeps the URL far below what servers and proxies accept.</summary>
    public const int MaxSymbolsPerRequest = 100;

    /// <summary>
    /// The requests for <paramref name="work"/>, largest first. <paramref name="calendar"/> holds
    /// every trading day of the batch's span, so runs only join across days that are truly
    /// consecutive sessions. <paramref name="barsPerSession"/> estimates a symbol's bars in one
    /// session (390 minutes of regular trading for a liquid ticker), to size the chunks.
    /// </summary>
    public static List<FetchItem> Plan(IReadOnlyList<WindowWork> work, IReadOnlyList<TradingDay> calendar, int maxChunks, int pageSize, int barsPerSession = 390)
    {
        var position = new Dictionary<DateOnly, int>(calendar.Count);
        for (var i = 0; i < calendar.Count; i++) position[calendar[i].Date] = i;

        // Each symbol's missing sessions over all its windows (two jobs may overlap: fetched once);
        // a solo window's on their own.
        var missing = new Dictionary<(string Feed, string Symbol, Guid? Solo), SortedDictionary<DateOnly, TradingDay>>();
        foreach (var window in work)
        {
            var key = (window.Task.Feed, window.Task.Symbol, window.Solo ? window.Task.Id : (Guid?)null);
            if (!missing.TryGetValue(key, out var days)) missing[key] = days = [];
            foreach (var day in window.Sessions)
            {
                if (window.Missing.Contains(day.Date)) days[day.Date] = day;
            }
        }

        var groups = new Dictionary<string, (string Feed, List<string> Symbols, List<List<TradingDay>> Runs)>(StringComparer.Ordinal);
        foreach (var ((feed, symbol, solo), days) in missing)
        {
            if (days.Count == 0) continue;
            var runs = Runs(days.Values, position);
            // Symbols with the same runs share requests; a solo window gets its own.
            var signature = solo is { } task
                ? $"solo:{task}"
                : $"{feed}:{string.Join(';', runs.Select(run => $"{run[0].Date:yyyyMMdd}-{run[^1].Date:yyyyMMdd}"))}";
            if (!groups.TryGetValue(signature, out var group)) groups[signature] = group = (feed, [], runs);
            group.Symbols.Add(symbol);
        }

        var items = new List<FetchItem>();
        foreach (var (feed, symbols, runs) in groups.Values)
        {
            symbols.Sort(StringComparer.Ordinal);
            foreach (var symbolChunk in symbols.Chunk(MaxSymbolsPerRequest))
            {
                foreach (var run in runs)
                {
                    var pages = symbolChunk.Length * (double)run.Count * barsPerSession / pageSize;
                    var chunks = Math.Clamp((int)(pages / MinPagesPerChunk), 1, Math.Min(Math.Max(maxChunks, 1), run.Count));
                    foreach (var sessions in Split(run, chunks)) items.Add(new FetchItem(feed, symbolChunk, sessions));
                }
            }
        }
        return [.. items.OrderByDescending(item => item.Symbols.Count * item.Sessions.Count).ThenBy(item => item.Sessions[0].Date).ThenBy(item => item.Symbols[0], StringComparer.Ordinal)];
    }

    /// <summary>Splits sorted sessions into runs with no other trading day between them.</summary>
    private static List<List<TradingDay>> Runs(IEnumerable<TradingDay> days, Dictionary<DateOnly, int> position)
    {
        var runs = new List<List<TradingDay>>();
        List<TradingDay>? current = null;
        var previous = int.MinValue;
        foreach (var day in days)
        {
            var at = position.GetValueOrDefault(day.Date, int.MinValue);
            if (current is null || at == int.MinValue || previous == int.MinValue || at != previous + 1)
            {
                current = [];
                runs.Add(current);
            }
            current.Add(day);
            previous = at;
        }
        return runs;
    }

    /// <summary>Cuts a run into <paramref name="count"/> consecutive parts of near-equal length.</summary>
    private static IEnumerable<List<TradingDay>> Split(List<TradingDay> run, int count)
    {
        for (var i = 0; i < count; i++)
        {
            var from = run.Count * i / count;
            var to = run.Count * (i + 1) / count;
            yield return run.GetRange(from, to - from);
        }
    }
}

/// <summary>One tick request: every page of one symbol's trades or quotes over one session.</summary>
internal sealed record TickItem(string Dataset, string Feed, string Symbol, TradingDay Session)
{
    /// <summary>
    /// What to ask Alpaca for (both ends inclusive): the extended session, as for bars, or today
    /// up to <paramref name="now"/>; the last nanosecond before the close, as the close is the next
    /// session's business.
    /// </summary>
    public (NanoTime Start, NanoTime End) Range(DateTimeOffset now)
    {
        var end = Session.SessionCloseUtc < now ? Session.SessionCloseUtc : now;
        return (NanoTime.From(Session.SessionOpenUtc), new NanoTime(NanoTime.From(end).UnixNanoseconds - 1));
    }

    public override string ToString() => $"{Symbol} {Dataset} {Session.Date:yyyy-MM-dd}";
}

/// <summary>
/// Turns a batch's missing trades and quotes into requests: one per symbol, dataset and session,
/// each fetched whole (all its pages) and then recorded in the ledger, so a session is the unit a
/// re-run skips and a restart resumes from. A session two windows need (overlapping jobs) is
/// fetched once. Ticks come thousands to a session, so Alpaca's pages are full without sharing
/// requests across symbols or sessions.
/// </summary>
internal static class TickPlanner
{
    /// <summary>The tick requests for <paramref name="work"/>, by session, then symbol, then dataset (trades before quotes).</summary>
    public static List<TickItem> Plan(IReadOnlyList<WindowWork> work)
    {
        var items = new Dictionary<(string Dataset, string Feed, string Symbol, DateOnly Date), TickItem>();
        foreach (var window in work)
        {
            var sessions = window.Sessions.ToDictionary(day => day.Date);
            foreach (var (dataset, dates) in window.TicksMissing)
            {
                foreach (var date in dates)
                {
                    if (sessions.TryGetValue(date, out var day))
                        items.TryAdd((dataset, window.Task.Feed, window.Task.Symbol, date), new TickItem(dataset, window.Task.Feed, window.Task.Symbol, day));
                }
            }
        }
        return [.. items.Values
            .OrderBy(item => item.Session.Date)
            .ThenBy(item => item.Symbol, StringComparer.Ordinal)
            .ThenBy(item => item.Dataset == LedgerDatasets.Trades ? 0 : 1)];
    }
}
