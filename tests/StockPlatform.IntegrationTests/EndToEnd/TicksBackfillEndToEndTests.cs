using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Ledger;
using StockPlatform.Storage.Ticks;

namespace StockPlatform.IntegrationTests.EndToEnd;

/// <summary>
/// Trades and quotes backfilled through the gateway, RabbitMQ, the agent and MarketSim into
/// PostgreSQL: exactly what MarketSim serves, each row once however often a session is fetched,
/// ledgered sessions skipped, and a killed agent's work resumed.
/// </summary>
public class TicksBackfillEndToEndTests
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(240);

    private static readonly string[] AllData = ["bars", "trades", "quotes"];

    [Fact]
    public async Task A_bars_trades_and_quotes_backfill_stores_exactly_what_alpaca_serves_and_a_second_one_inserts_nothing()
    {
        await using var stack = await PlatformStack.StartAsync();
        const string from = "2024-11-21", to = "2024-11-22";
        string[] symbols = ["AAPL", "SPY"];

        var job = await stack.WaitForJobAsync(await stack.StartJobAsync(symbols, from, to, AllData), JobTimeout);

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal(AllData, job.GetProperty("data").EnumerateArray().Select(d => d.GetString()));
        var rows = job.GetProperty("progress").GetProperty("rows_inserted");
        Assert.Equal(4, job.GetProperty("progress").GetProperty("sessions_done").GetInt32());
        Assert.Equal(symbols.Sum(symbol => stack.MarketMinutes(symbol, from, to).Count), rows.GetProperty("bars").GetInt64());
        Assert.Equal(symbols.Sum(symbol => Trades(stack, symbol, from, to).Count), rows.GetProperty("trades").GetInt64());
        Assert.Equal(symbols.Sum(symbol => Quotes(stack, symbol, from, to).Count), rows.GetProperty("quotes").GetInt64());
        var ledger = stack.Gateway.Services.GetRequiredService<IngestLedger>();
        foreach (var symbol in symbols)
        {
            Assert.NotEmpty(Trades(stack, symbol, from, to));
            Assert.Equal(stack.MarketMinutes(symbol, from, to), await stack.ReadMinutesAsync(symbol, from, to));
            Assert.Equal(Trades(stack, symbol, from, to), await StoredTradesAsync(stack, symbol, from, to));
            Assert.Equal(Quotes(stack, symbol, from, to), await StoredQuotesAsync(stack, symbol, from, to));
            foreach (var dataset in AllData)
                Assert.Equal([Date(from), Date(to)], (await ledger.GetFetchedAsync(symbol, "iex", dataset, Date(from), Date(to))).Order());
        }

        var again = await stack.WaitForJobAsync(await stack.StartJobAsync(symbols, from, to, AllData), JobTimeout);
        Assert.Equal("succeeded", again.GetProperty("status").GetString());
        Assert.Equal("""{"bars":0,"trades":0,"quotes":0}""", again.GetProperty("progress").GetProperty("rows_inserted").GetRawText());
        foreach (var symbol in symbols)
        {
            Assert.Equal(Trades(stack, symbol, from, to).Count, await stack.CountRowsAsync("trades", symbol));
            Assert.Equal(Quotes(stack, symbol, from, to).Count, await stack.CountRowsAsync("quotes", symbol));
        }
    }

    [Fact]
    public async Task A_quotes_backfill_run_again_stores_each_quote_once_and_fetches_only_the_sessions_missing_from_the_ledger()
    {
        var log = new RequestLog();
        await using var stack = await PlatformStack.StartAsync(requestLog: log, agentSettings: new() { ["Alpaca__PageSize"] = "200" });
        const string from = "2024-11-19", to = "2024-11-21";
        var truth = Quotes(stack, "QQQ", from, to);

        var first = await stack.WaitForJobAsync(await stack.StartJobAsync(["QQQ"], from, to, ["quotes"]), JobTimeout);
        Assert.Equal("succeeded", first.GetProperty("status").GetString());
        Assert.Equal(truth.Count, first.GetProperty("progress").GetProperty("rows_inserted").GetProperty("quotes").GetInt64());
        Assert.Equal(0, await stack.CountBarsAsync("QQQ")); // quotes only
        var asked = QuotePages(log);
        Assert.True(asked.Count >= 2 * 3, $"{asked.Count} pages for {truth.Count} quotes"); // several pages a session at this page size
        Assert.All(Sessions(from, to), day => Assert.Contains(asked, url => url.Contains(Start(day), StringComparison.Ordinal)));

        // The middle session as if a crash had struck before its ledger entry: only it is fetched again, and nothing is stored twice.
        await ForgetAsync(stack, "QQQ", "quotes", new DateOnly(2024, 11, 20));
        var second = await stack.WaitForJobAsync(await stack.StartJobAsync(["QQQ"], from, to, ["quotes"]), JobTimeout);

        Assert.Equal("succeeded", second.GetProperty("status").GetString());
        Assert.Equal(0, second.GetProperty("progress").GetProperty("rows_inserted").GetProperty("quotes").GetInt64());
        var again = QuotePages(log).Skip(asked.Count).ToList();
        Assert.NotEmpty(again);
        Assert.All(again, url => Assert.Contains(Start(new DateOnly(2024, 11, 20)), url, StringComparison.Ordinal));
        Assert.Equal(truth, await StoredQuotesAsync(stack, "QQQ", from, to));
        Assert.Equal(truth.Count, await stack.CountRowsAsync("quotes", "QQQ"));
        var ledger = stack.Gateway.Services.GetRequiredService<IngestLedger>();
        Assert.Equal(Sessions(from, to), (await ledger.GetFetchedAsync("QQQ", "iex", "quotes", Date(from), Date(to))).Order());

        // And with nothing missing, nothing is asked for at all.
        var third = await stack.WaitForJobAsync(await stack.StartJobAsync(["QQQ"], from, to, ["quotes"]), JobTimeout);
        Assert.Equal("succeeded", third.GetProperty("status").GetString());
        Assert.Equal(asked.Count + again.Count, QuotePages(log).Count);
    }

    [Fact]
    public async Task A_trades_and_quotes_job_whose_agent_is_killed_midway_completes_after_a_restart_with_every_row_once()
    {
        // Latency and small pages stretch the job so the kill lands while sessions remain.
        await using var stack = await PlatformStack.StartAsync(new() { ["MarketSim:Faults:Latency"] = "00:00:00.200" }, windowDays: 3,
            agentSettings: new() { ["Alpaca__PageSize"] = "1000", ["Ingestion__MaxConcurrentFetches"] = "2" });
        const string from = "2024-11-11", to = "2024-11-22";

        var id = await stack.StartJobAsync(["MSFT"], from, to, ["trades", "quotes"]);
        await stack.WaitForJobAsync(id, JobTimeout, job => job.GetProperty("progress").GetProperty("sessions_done").GetInt32() > 0);
        stack.Agent!.Kill();
        var halfway = await stack.GetJobAsync(id);
        Assert.Equal("running", halfway.GetProperty("status").GetString());
        Assert.True(halfway.GetProperty("progress").GetProperty("sessions_done").GetInt32() < 10, halfway.ToString());

        await stack.StartAgentAsync();
        var job = await stack.WaitForJobAsync(id, JobTimeout);

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal(10, job.GetProperty("progress").GetProperty("sessions_done").GetInt32());
        var trades = Trades(stack, "MSFT", from, to);
        var quotes = Quotes(stack, "MSFT", from, to);
        Assert.Equal(trades, await StoredTradesAsync(stack, "MSFT", from, to));
        Assert.Equal(quotes, await StoredQuotesAsync(stack, "MSFT", from, to));
        Assert.Equal(trades.Count, await stack.CountRowsAsync("trades", "MSFT"));
        Assert.Equal(quotes.Count, await stack.CountRowsAsync("quotes", "MSFT"));
    }

    private static DateOnly Date(string date) => DateOnly.Parse(date, CultureInfo.InvariantCulture);

    private static List<DateOnly> Sessions(string from, string to) => [.. NyseCalendar.GetTradingDays(Date(from), Date(to)).Select(day => day.Date)];

    // A session's requests start at its 04:00 New York open, the same UTC date (09:00Z or 08:00Z).
    private static string Start(DateOnly day) => string.Create(CultureInfo.InvariantCulture, $"start={day:yyyy-MM-dd}T");

    private static List<string> QuotePages(RequestLog log) =>
        [.. log.Entries.Where(e => e.Status == 200 && e.PathAndQuery.Contains("/quotes", StringComparison.Ordinal)).Select(e => e.PathAndQuery)];

    private static (DateTimeOffset Start, DateTimeOffset End) Range(string from, string to) =>
        (NewYorkTime.StartOfDay(Date(from)), NewYorkTime.StartOfDay(Date(to).AddDays(1)).AddTicks(-1));

    /// <summary>MarketSim's iex trades over the New York dates, in the store's order (time, exchange, id).</summary>
    private static List<Trade> Trades(PlatformStack stack, string symbol, string from, string to)
    {
        var (start, end) = Range(from, to);
        return [.. stack.Market.GetTrades(symbol, "iex", start, end).OrderBy(t => t.Time).ThenBy(t => t.Exchange, StringComparer.Ordinal).ThenBy(t => t.Id)];
    }

    /// <summary>MarketSim's iex quotes over the New York dates, in its order.</summary>
    private static List<Quote> Quotes(PlatformStack stack, string symbol, string from, string to)
    {
        var (start, end) = Range(from, to);
        return [.. stack.Market.GetQuotes(symbol, "iex", start, end)];
    }

    private static async Task<List<Trade>> StoredTradesAsync(PlatformStack stack, string symbol, string from, string to)
    {
        var store = stack.Gateway.Services.GetRequiredService<TradeStore>();
        var (start, end) = Range(from, to);
        var all = new List<Trade>();
        while (true)
        {
            var page = await store.ReadAsync(Symbol.Parse(symbol), start, end, 10_000, all.Count == 0 ? null : all[^1]);
            all.AddRange(page);
            if (page.Count < 10_000) return all;
        }
    }

    private static async Task<List<Quote>> StoredQuotesAsync(PlatformStack stack, string symbol, string from, string to)
    {
        var store = stack.Gateway.Services.GetRequiredService<QuoteStore>();
        var (start, end) = Range(from, to);
        var all = new List<StoredQuote>();
        while (true)
        {
            var page = await store.ReadAsync(Symbol.Parse(symbol), start, end, 10_000, all.Count == 0 ? null : all[^1]);
            all.AddRange(page);
            if (page.Count < 10_000) return [.. all.Select(stored => stored.Quote)];
        }
    }

    /// <summary>Removes a session of a dataset from the ledger, as if it had never been stored whole.</summary>
    private static async Task ForgetAsync(PlatformStack stack, string symbol, string dataset, DateOnly day)
    {
        await using var dataSource = NpgsqlDataSource.Create(stack.ConnectionString);
        await using var command = dataSource.CreateCommand("DELETE FROM ingest_ledger WHERE symbol = @symbol AND dataset = @dataset AND session_date = @day");
        command.Parameters.AddWithValue("symbol", symbol);
        command.Parameters.AddWithValue("dataset", dataset);
        command.Parameters.AddWithValue("day", day);
        Assert.Equal(1, await command.ExecuteNonQueryAsync());
    }
}
