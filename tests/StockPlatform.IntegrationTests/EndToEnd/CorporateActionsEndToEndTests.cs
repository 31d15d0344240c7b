using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.CorporateActions;

namespace StockPlatform.IntegrationTests.EndToEnd;

/// <summary>
/// Corporate actions from MarketSim's <c>/v1/corporate-actions</c> through a <c>corporate-actions</c>
/// job to the store, with the factors worked out here on their own: splits from their rates,
/// dividends from MarketSim's raw SIP close of the trading day before the ex-date.
/// </summary>
public class CorporateActionsEndToEndTests
{
    private static readonly TimeSpan JobTimeout = TimeSpan.FromSeconds(180);

    // Enough tickers that MarketSim's generator (a dividend for most, a split now and then) gives both kinds.
    private static readonly string[] Candidates =
    [
        "SPY", "QQQ", "AAPL", "MSFT", "NVDA", "AMZN", "TSLA", "META", "GOOGL", "IWM", "AMD", "NFLX", "JPM", "BAC", "WMT", "KO", "PEP", "INTC",
        "CSCO", "ORCL", "IBM", "XOM", "CVX", "PFE", "MRK", "DIS", "NKE", "MCD", "HD", "LOW", "SBUX", "ADBE", "CRM", "QCOM", "TXN", "AVGO",
    ];

    [Fact]
    public async Task A_refresh_stores_every_action_alpaca_lists_with_the_factors_of_its_splits_and_dividends()
    {
        await using var stack = await PlatformStack.StartAsync();
        const string start = "2022-01-01", end = "2024-12-31";
        var listed = await ListAsync(stack, Candidates, start, end);
        var splitting = listed.Where(pair => pair.Value.Any(IsSplit)).Select(pair => pair.Key).Order(StringComparer.Ordinal).Take(2).ToList();
        var paying = listed.Where(pair => !pair.Value.Any(IsSplit) && pair.Value.Any(IsDividend)).Select(pair => pair.Key).Order(StringComparer.Ordinal).First();
        Assert.NotEmpty(splitting);
        string[] symbols = [.. splitting, paying];

        using var accepted = await stack.Client.PostAsJsonAsync("/corporate-actions/refresh", new { symbols, start, end });
        accepted.EnsureSuccessStatusCode();
        var id = (await accepted.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("job_id").GetGuid();
        var job = await stack.WaitForJobAsync(id, JobTimeout);

        Assert.Equal(("succeeded", "corporate-actions"), (job.GetProperty("status").GetString(), job.GetProperty("kind").GetString()));
        Assert.Equal(symbols.Length, job.GetProperty("progress").GetProperty("sessions_done").GetInt32());
        var store = stack.Gateway.Services.GetRequiredService<CorporateActionStore>();
        var splits = 0;
        var dividends = 0;
        foreach (var symbol in symbols)
        {
            var stored = (await store.GetAsync(symbol)).ToDictionary(action => action.Id);
            var expected = listed[symbol];
            Assert.Equal(expected.Select(a => a.GetProperty("id").GetString()).Order(), stored.Keys.Order());
            foreach (var action in expected)
            {
                var row = stored[action.GetProperty("id").GetString()!];
                var exDate = DateOnly.Parse(action.GetProperty("ex_date").GetString()!, CultureInfo.InvariantCulture);
                Assert.Equal((symbol, action.GetProperty("type").GetString(), exDate), (row.Symbol, row.Type, row.ExDate));
                if (IsSplit(action))
                {
                    var (oldRate, newRate) = (action.GetProperty("old_rate").GetDecimal(), action.GetProperty("new_rate").GetDecimal());
                    Assert.Equal((oldRate, newRate), (row.OldRate, row.NewRate));
                    Assert.Equal(oldRate / newRate, row.PriceFactor);
                    Assert.Equal(newRate / oldRate, row.VolumeFactor);
                    splits++;
                }
                else if (IsDividend(action))
                {
                    var rate = action.GetProperty("rate").GetDecimal();
                    var close = RawSipClose(stack, symbol, DayBefore(exDate));
                    Assert.Equal((rate, close), (row.Rate, row.ReferenceClose));
                    Assert.Equal(Math.Round(1m - (rate / close), 10, MidpointRounding.AwayFromZero), row.PriceFactor);
                    Assert.Null(row.VolumeFactor);
                    dividends++;
                }
            }
            var refresh = await store.GetRefreshAsync(symbol);
            Assert.Equal((new DateOnly(2022, 1, 1), new DateOnly(2024, 12, 31)), (refresh!.Start, refresh.End));
        }
        Assert.True(splits > 0 && dividends > 0, $"{splits} splits, {dividends} dividends");
        // Adjusted reads take their factors from here: the split factor applies before its ex-date.
        var adjuster = await store.GetAdjusterAsync(splitting[0], AdjustmentMode.Split, DateOnly.MaxValue);
        var firstSplit = listed[splitting[0]].First(IsSplit);
        var splitDate = DateOnly.Parse(firstSplit.GetProperty("ex_date").GetString()!, CultureInfo.InvariantCulture);
        Assert.Equal(1m, adjuster.FactorsFor(splitDate).Price);
        Assert.NotEqual(1m, adjuster.FactorsFor(DayBefore(splitDate)).Price);
    }

    [Fact]
    public async Task A_backfill_that_succeeds_queues_a_refresh_of_its_symbols_from_its_start_to_today()
    {
        await using var stack = await PlatformStack.StartAsync();
        const string start = "2026-06-01";
        var backfill = await stack.WaitForJobAsync(await stack.StartJobAsync(["AAPL", "KO"], start, "2026-06-05"), JobTimeout);
        Assert.Equal("succeeded", backfill.GetProperty("status").GetString());

        var today = NewYorkTime.DateOf(DateTimeOffset.UtcNow);
        var refresh = await WaitForRefreshJobAsync(stack, "AAPL");
        var job = await stack.WaitForJobAsync(refresh, JobTimeout);

        Assert.Equal("succeeded", job.GetProperty("status").GetString());
        Assert.Equal((start, today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)), (job.GetProperty("start").GetString(), job.GetProperty("end").GetString()));
        Assert.Equal(["AAPL", "KO"], job.GetProperty("symbols").EnumerateArray().Select(s => s.GetString()).Order(StringComparer.Ordinal));
        var store = stack.Gateway.Services.GetRequiredService<CorporateActionStore>();
        var listed = await ListAsync(stack, ["AAPL", "KO"], start, today.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));
        foreach (var symbol in new[] { "AAPL", "KO" })
        {
            Assert.Equal((DateOnly.Parse(start, CultureInfo.InvariantCulture), today), await store.GetRefreshAsync(symbol) is { } r ? (r.Start, r.End) : default);
            var stored = await store.GetAsync(symbol);
            Assert.Equal(listed[symbol].Select(a => a.GetProperty("id").GetString()).Order(), stored.Select(a => a.Id).Order());
            Assert.All(stored.Where(a => a.IsSplit || a.IsCashDividend), action => Assert.NotNull(action.PriceFactor));
        }

        // A later backfill inside the refreshed range (the live stream's gap backfill, say) queues
        // no refresh of fresh symbols; one reaching further back does, for those symbols only.
        var inside = await stack.WaitForJobAsync(await stack.StartJobAsync(["AAPL"], "2026-06-03", "2026-06-08"), JobTimeout);
        Assert.Equal("succeeded", inside.GetProperty("status").GetString());
        var earlier = await stack.WaitForJobAsync(await stack.StartJobAsync(["KO"], "2026-05-26", "2026-05-29"), JobTimeout);
        Assert.Equal("succeeded", earlier.GetProperty("status").GetString());
        var refreshes = new List<JsonElement>();
        var deadline = DateTime.UtcNow + JobTimeout;
        while (refreshes.Count < 2 && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
            refreshes = [.. (await stack.GetJsonAsync("/jobs")).GetProperty("jobs").EnumerateArray().Where(j => j.GetProperty("kind").GetString() == "corporate-actions")];
        }
        Assert.Equal(2, refreshes.Count);
        Assert.Equal(["KO"], refreshes[0].GetProperty("symbols").EnumerateArray().Select(s => s.GetString()));
        Assert.Equal("2026-05-26", refreshes[0].GetProperty("start").GetString());
    }

    /// <summary>The id of the corporate-actions job that includes <paramref name="symbol"/>, once there is one.</summary>
    private static async Task<Guid> WaitForRefreshJobAsync(PlatformStack stack, string symbol)
    {
        var deadline = DateTime.UtcNow + JobTimeout;
        while (DateTime.UtcNow < deadline)
        {
            var jobs = await stack.GetJsonAsync($"/jobs?symbol={symbol}");
            var refresh = jobs.GetProperty("jobs").EnumerateArray().FirstOrDefault(job => job.GetProperty("kind").GetString() == "corporate-actions");
            if (refresh.ValueKind == JsonValueKind.Object) return refresh.GetProperty("job_id").GetGuid();
            await Task.Delay(200);
        }
        throw new TimeoutException($"no corporate-actions job for {symbol}. Agent output:\n{stack.Agent?.Tail(100)}");
    }

    /// <summary>Every action MarketSim lists for the symbols, by symbol, each with its <c>type</c> added (from its group).</summary>
    private static async Task<Dictionary<string, List<JsonElement>>> ListAsync(PlatformStack stack, IReadOnlyList<string> symbols, string start, string end)
    {
        using var http = new HttpClient { BaseAddress = new Uri(stack.Sim.Urls.Single()) };
        http.DefaultRequestHeaders.Add("APCA-API-KEY-ID", PlatformStack.KeyId);
        http.DefaultRequestHeaders.Add("APCA-API-SECRET-KEY", PlatformStack.Secret);
        var bySymbol = symbols.ToDictionary(symbol => symbol, _ => new List<JsonElement>());
        string? token = null;
        do
        {
            var url = $"/v1/corporate-actions?symbols={string.Join(',', symbols)}&start={start}&end={end}&limit=1000" + (token is null ? string.Empty : $"&page_token={Uri.EscapeDataString(token)}");
            var page = await http.GetFromJsonAsync<JsonElement>(url);
            foreach (var group in page.GetProperty("corporate_actions").EnumerateObject())
            {
                foreach (var action in group.Value.EnumerateArray())
                {
                    var typed = JsonSerializer.SerializeToElement(action.EnumerateObject().ToDictionary(p => p.Name, p => p.Value)
                        .Append(new("type", JsonSerializer.SerializeToElement(group.Name.TrimEnd('s')))).ToDictionary());
                    bySymbol[action.GetProperty("symbol").GetString()!].Add(typed);
                }
            }
            token = page.GetProperty("next_page_token").GetString();
        }
        while (token is not null);
        return bySymbol;
    }

    private static bool IsSplit(JsonElement action) => action.GetProperty("type").GetString() is "forward_split" or "reverse_split";

    private static bool IsDividend(JsonElement action) => action.GetProperty("type").GetString() == "cash_dividend";

    private static DateOnly DayBefore(DateOnly date)
    {
        do date = date.AddDays(-1);
        while (!NyseCalendar.IsTradingDay(date));
        return date;
    }

    /// <summary>MarketSim's raw SIP daily close of a trading day: what a dividend is measured against.</summary>
    private static decimal RawSipClose(PlatformStack stack, string symbol, DateOnly day) =>
        stack.Market.GetBars(symbol, "sip", BarInterval.OneDay, NewYorkTime.StartOfDay(day), NewYorkTime.StartOfDay(day.AddDays(1)).AddTicks(-1)).Single().Close;
}
