using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using StockPlatform.MarketData.Alpaca.Rest;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Calendar;
using StockPlatform.Storage.CorporateActions;
using StockPlatform.Testing;

namespace StockPlatform.IntegrationTests.Gateway;

/// <summary>
/// <c>adjustment=</c> on the bars endpoints and <c>GET /corporate-actions/{symbol}</c> through the
/// whole gateway on a real database: bars of four sessions around a 3-for-2 split and two cash
/// dividends, each mode at 1m and 1d equal to the rules of the spec worked by hand on the raw bars
/// (after aggregation), in JSON, CSV and across pages; an action whose ex-date is still to come
/// changes nothing.
/// </summary>
public sealed class AdjustedBarsApiTests : IAsyncLifetime
{
    private const string Key = "adjust-test-key";
    private static readonly DateOnly[] Days = [new(2024, 6, 6), new(2024, 6, 7), new(2024, 6, 10), new(2024, 6, 11)];
    private const string Range = "start=2024-06-06&end=2024-06-11";
    private static readonly string[] Modes = ["raw", "split", "dividend", "all"];

    private ThrowawayDatabase _database = null!;
    private WebApplicationFactory<Program> _gateway = null!;
    private HttpClient _client = null!;
    private List<StoredCorporateAction> _actions = null!;

    public async Task InitializeAsync()
    {
        _database = await ThrowawayDatabase.CreateAsync(TestServers.PostgresConnectionString, "adjust_", TestServers.Hint);
        _gateway = InProcessGateway.Create(_database.ConnectionString, "adjust", Key);
        _client = _gateway.CreateClient();

        await _gateway.Services.GetRequiredService<CalendarStore>().SaveRangeAsync(new(2024, 1, 1), new(2024, 12, 31),
            [.. NyseCalendar.GetTradingDays(new(2024, 1, 1), new(2024, 12, 31))]);
        var bars = _gateway.Services.GetRequiredService<BarStore>();
        foreach (var symbol in new[] { "XYZ", "ABC" })
            await bars.UpsertAsync(Symbol.Parse(symbol), "sip", [.. Days.SelectMany(day => Minutes(symbol, day))]);

        // What the ingestion stores: a dividend's factor from the raw close of the session before its ex-date.
        var close0606 = Minutes("XYZ", Days[0])[^1].Close;
        var close0610 = Minutes("XYZ", Days[2])[^1].Close;
        _actions =
        [
            new("div-1", "XYZ", CorporateActionTypes.CashDividend, Days[1], new(2024, 6, 20), null, null, 0.37m, close0606,
                Math.Round(1m - (0.37m / close0606), 10, MidpointRounding.AwayFromZero), null, """{"rate":0.37}"""),
            new("split-1", "XYZ", CorporateActionTypes.ForwardSplit, Days[2], Days[2], 2m, 3m, null, null, 2m / 3m, 1.5m, """{"old_rate":2,"new_rate":3}"""),
            new("div-2", "XYZ", CorporateActionTypes.CashDividend, Days[3], new(2024, 6, 28), null, null, 0.2m, close0610,
                Math.Round(1m - (0.2m / close0610), 10, MidpointRounding.AwayFromZero), null, """{"rate":0.2}"""),
            new("spin-1", "XYZ", "spin_off", new(2024, 6, 11), null, null, null, null, null, null, null, """{"new_symbol":"XYZS"}"""),
            // Announced, not yet effective: today's reads leave it out.
            new("split-future", "XYZ", CorporateActionTypes.ForwardSplit, new(2199, 1, 2), null, 1m, 10m, null, null, 0.1m, 10m, """{"old_rate":1,"new_rate":10}"""),
        ];
        await _gateway.Services.GetRequiredService<CorporateActionStore>().ReplaceAsync(["XYZ"], new(2020, 1, 1), new(2199, 12, 31), _actions);
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _gateway.DisposeAsync();
        await _database.DisposeAsync();
    }

    /// <summary>Six regular-session minutes a day with four-decimal prices and odd volumes (so rounding shows).</summary>
    private static List<Bar> Minutes(string symbol, DateOnly day)
    {
        var open = NewYorkTime.StartOfDay(day).AddHours(9.5);
        var basePrice = (symbol == "XYZ" ? 120.1234m : 55.5555m) + (day.Day * 0.7771m);
        return [.. Enumerable.Range(0, 6).Select(i =>
        {
            var o = basePrice + (i * 0.1371m);
            var c = o + (i % 2 == 0 ? 0.0533m : -0.0467m);
            return new Bar(open.AddMinutes(i), o, Math.Max(o, c) + 0.0457m, Math.Min(o, c) - 0.0389m, c, 101 + (i * 37), 3 + i, (o + c) / 2);
        })];
    }

    /// <summary>The spec's factors, worked out here: the actions after the bar's date, latest first, the product rounded to 12 places each time.</summary>
    private (decimal Price, decimal Volume) Factors(DateOnly date, string mode)
    {
        decimal price = 1m, volume = 1m;
        foreach (var action in _actions.Where(a => a.ExDate > date && a.ExDate <= DateOnly.FromDateTime(DateTime.UtcNow) && a.PriceFactor is not null)
            .OrderByDescending(a => a.ExDate))
        {
            var split = action.Type == CorporateActionTypes.ForwardSplit;
            if (!(mode == "all" || (mode == "split" && split) || (mode == "dividend" && !split))) continue;
            price = Math.Round(price * action.PriceFactor!.Value, 12, MidpointRounding.AwayFromZero);
            if (split) volume = Math.Round(volume * action.PriceFactor.Value, 12, MidpointRounding.AwayFromZero);
        }
        return (price, volume);
    }

    private Bar ByHand(Bar raw, string mode)
    {
        var (price, volume) = Factors(NewYorkTime.DateOf(raw.Timestamp), mode);
        if (price == 1m && volume == 1m) return raw;
        decimal P(decimal value) => Math.Round(value * price, 4, MidpointRounding.AwayFromZero);
        return raw with
        {
            Open = P(raw.Open), High = P(raw.High), Low = P(raw.Low), Close = P(raw.Close), Vwap = P(raw.Vwap),
            Volume = (long)Math.Round(raw.Volume / volume, 0, MidpointRounding.AwayFromZero),
        };
    }

    [Theory]
    [InlineData("1m")]
    [InlineData("1d")]
    [InlineData("1h")]
    public async Task Each_mode_adjusts_the_aggregated_bars_as_the_rules_say(string interval)
    {
        using var rawAnswer = await GetJsonAsync($"/bars/XYZ?interval={interval}&{Range}");
        var raw = GatewayBars.Parse(rawAnswer.RootElement.GetRawText());
        Assert.Equal(interval == "1m" ? 24 : 4, raw.Count);
        Assert.Equal("raw", rawAnswer.RootElement.GetProperty("adjustment").GetString());
        if (interval == "1d") Assert.Equal(_actions[0].ReferenceClose, raw[0].Close); // the dividend's reference is the raw daily close

        foreach (var mode in Modes)
        {
            using var answer = await GetJsonAsync($"/bars/XYZ?interval={interval}&{Range}&adjustment={mode}");
            Assert.Equal(["symbol", "interval", "adjustment", "bars", "next_page_token"], answer.RootElement.EnumerateObject().Select(p => p.Name));
            Assert.Equal(mode, answer.RootElement.GetProperty("adjustment").GetString());
            var adjusted = GatewayBars.Parse(answer.RootElement.GetRawText());
            Assert.Equal(raw.Select(bar => ByHand(bar, mode)), adjusted);

            // The last session has nothing after it: its bars come back exactly as stored, decimals and all.
            var lastDay = raw.Count / 4 * 3;
            Assert.Equal(rawAnswer.RootElement.GetProperty("bars").EnumerateArray().Skip(lastDay).Select(b => b.GetRawText()),
                answer.RootElement.GetProperty("bars").EnumerateArray().Skip(lastDay).Select(b => b.GetRawText()));
        }

        // Spot checks of the rules themselves: at 1d the first session is split-adjusted by 2/3, its volume by 3/2.
        using var split = await GetJsonAsync($"/bars/XYZ?interval={interval}&{Range}&adjustment=split");
        var first = GatewayBars.Parse(split.RootElement.GetRawText())[0];
        Assert.Equal(Math.Round(raw[0].Close * 0.666666666667m, 4, MidpointRounding.AwayFromZero), first.Close);
        Assert.Equal((long)Math.Round(raw[0].Volume / 0.666666666667m, 0, MidpointRounding.AwayFromZero), first.Volume);
        Assert.NotEqual(raw[0].Close, first.Close);
    }

    [Fact]
    public async Task Adjusted_bars_read_the_same_as_csv_across_pages_and_for_several_symbols()
    {
        using var whole = await GetJsonAsync($"/bars/XYZ?{Range}&adjustment=all");
        var expected = GatewayBars.Parse(whole.RootElement.GetRawText());

        // Paged: every bar once, adjusted the same; the token carries the adjustment with it.
        var paged = new List<Bar>();
        string? token = null;
        do
        {
            using var page = await GetJsonAsync($"/bars/XYZ?{Range}&adjustment=all&limit=5" + (token is null ? string.Empty : $"&page_token={token}"));
            paged.AddRange(GatewayBars.Parse(page.RootElement.GetRawText()));
            token = page.RootElement.GetProperty("next_page_token").GetString();
            if (token is not null)
            {
                using var other = await _client.GetAsync($"/bars/XYZ?{Range}&adjustment=split&limit=5&page_token={token}");
                await AssertProblemAsync(other, HttpStatusCode.BadRequest, "page_token");
            }
        }
        while (token is not null);
        Assert.Equal(expected, paged);

        var csv = (await (await _client.GetAsync($"/bars/XYZ?{Range}&adjustment=all&format=csv")).Content.ReadAsStringAsync()).Split('\n')[1..^1];
        Assert.Equal(whole.RootElement.GetProperty("bars").EnumerateArray().Select(b => string.Join(',', "XYZ",
            b.GetProperty("timestamp").GetDateTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            b.GetProperty("open").GetRawText(), b.GetProperty("high").GetRawText(), b.GetProperty("low").GetRawText(), b.GetProperty("close").GetRawText(),
            b.GetProperty("volume").GetRawText(), b.GetProperty("trade_count").GetRawText(), b.GetProperty("vwap").GetRawText(),
            b.GetProperty("complete").GetRawText())), csv);

        // Several symbols: each by its own actions (ABC has none).
        using var many = await GetJsonAsync($"/bars?symbols=XYZ,ABC&interval=1d&{Range}&adjustment=dividend");
        Assert.Equal("dividend", many.RootElement.GetProperty("adjustment").GetString());
        using var xyz = await GetJsonAsync($"/bars/XYZ?interval=1d&{Range}&adjustment=dividend");
        using var abc = await GetJsonAsync($"/bars/ABC?interval=1d&{Range}");
        Assert.Equal(xyz.RootElement.GetProperty("bars").GetRawText(), many.RootElement.GetProperty("bars").GetProperty("XYZ").GetRawText());
        Assert.Equal(abc.RootElement.GetProperty("bars").GetRawText(), many.RootElement.GetProperty("bars").GetProperty("ABC").GetRawText());
        var manyCsv = await (await _client.GetAsync($"/bars?symbols=XYZ,ABC&interval=1d&{Range}&adjustment=dividend&format=csv")).Content.ReadAsStringAsync();
        Assert.Contains($"XYZ,2024-06-06T04:00:00Z,{xyz.RootElement.GetProperty("bars")[0].GetProperty("open").GetRawText()},", manyCsv);
    }

    [Fact]
    public async Task An_adjustment_outside_the_four_is_refused_naming_it()
    {
        foreach (var url in new[] { "/bars/XYZ?adjustment=splits", "/bars?symbols=XYZ&adjustment=ALL%20", "/bars/XYZ?adjustment=1&format=csv", "/bars/XYZ?adjustment=raw,split" })
        {
            using var response = await _client.GetAsync(url);
            // (Case and surrounding blanks do not matter, as for every word parameter.)
            if (url.Contains("ALL", StringComparison.Ordinal)) Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            else await AssertProblemAsync(response, HttpStatusCode.BadRequest, "adjustment");
        }
    }

    [Fact]
    public async Task Corporate_actions_come_back_by_ex_date_with_their_factors_and_refresh_time()
    {
        using var answer = await GetJsonAsync("/corporate-actions/xyz");
        var root = answer.RootElement;
        Assert.Equal(["symbol", "refreshed_at", "actions"], root.EnumerateObject().Select(p => p.Name));
        Assert.Equal("XYZ", root.GetProperty("symbol").GetString());
        Assert.InRange(root.GetProperty("refreshed_at").GetDateTime(), DateTime.UtcNow.AddMinutes(-10), DateTime.UtcNow.AddMinutes(1));
        var actions = root.GetProperty("actions").EnumerateArray().ToList();
        Assert.Equal(["div-1", "split-1", "div-2", "spin-1", "split-future"], actions.Select(a => a.GetProperty("id").GetString()));
        Assert.Equal(["id", "type", "ex_date", "process_date", "old_rate", "new_rate", "rate", "reference_close", "price_factor", "volume_factor"],
            actions[0].EnumerateObject().Select(p => p.Name));
        var split = actions[1];
        Assert.Equal(("forward_split", "2024-06-10", "2024-06-10", 2m, 3m, JsonValueKind.Null, 2m / 3m, 1.5m),
            (split.GetProperty("type").GetString(), split.GetProperty("ex_date").GetString(), split.GetProperty("process_date").GetString(),
             split.GetProperty("old_rate").GetDecimal(), split.GetProperty("new_rate").GetDecimal(), split.GetProperty("rate").ValueKind,
             split.GetProperty("price_factor").GetDecimal(), split.GetProperty("volume_factor").GetDecimal()));
        Assert.Equal(_actions[0].PriceFactor, actions[0].GetProperty("price_factor").GetDecimal());
        Assert.Equal(_actions[0].ReferenceClose, actions[0].GetProperty("reference_close").GetDecimal());
        Assert.Equal(JsonValueKind.Null, actions[3].GetProperty("price_factor").ValueKind);

        using var window = await GetJsonAsync("/corporate-actions/XYZ?start=2024-06-10&end=2024-06-11");
        Assert.Equal(["split-1", "div-2", "spin-1"], window.RootElement.GetProperty("actions").EnumerateArray().Select(a => a.GetProperty("id").GetString()));
        using var from = await GetJsonAsync("/corporate-actions/XYZ?start=2024-06-11");
        Assert.Equal(3, from.RootElement.GetProperty("actions").GetArrayLength());

        using var never = await GetJsonAsync("/corporate-actions/ABC");
        Assert.Equal(JsonValueKind.Null, never.RootElement.GetProperty("refreshed_at").ValueKind);
        Assert.Equal(0, never.RootElement.GetProperty("actions").GetArrayLength());

        foreach (var (url, field) in new[]
        {
            ("/corporate-actions/XYZ?start=2024-06-12&end=2024-06-11", "start"),
            ("/corporate-actions/XYZ?start=2024-06-10T00:00:00Z", "start"),
            ("/corporate-actions/XYZ?end=2200-01-01", "end"),
            ("/corporate-actions/X%20Y", "symbol"),
        })
        {
            using var response = await _client.GetAsync(url);
            await AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
        }
    }

    private async Task<JsonDocument> GetJsonAsync(string url)
    {
        using var response = await _client.GetAsync(url);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"{url}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body);
    }

    private static async Task AssertProblemAsync(HttpResponseMessage response, HttpStatusCode status, string? field)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == response.StatusCode, $"{response.RequestMessage?.RequestUri}: expected {(int)status}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var json = JsonDocument.Parse(body);
        if (field is not null) Assert.True(json.RootElement.GetProperty("errors").TryGetProperty(field, out _), body);
    }
}
