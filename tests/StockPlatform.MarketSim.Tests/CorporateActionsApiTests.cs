using System.Net;
using System.Text.Json;
using StockPlatform.MarketSim.Tests.Support;

namespace StockPlatform.MarketSim.Tests;

/// <summary><c>/v1/corporate-actions</c> groups synthetic actions by plural type (sample F) and pages them.</summary>
public class CorporateActionsApiTests
{
    [Fact]
    public async Task Actions_are_grouped_by_plural_type_with_alpaca_s_fields()
    {
        await using var sim = await SimHost.StartAsync();

        var response = await sim.GetAsync("/v1/corporate-actions?symbols=SPY,AAPL,MSFT,NVDA,TSLA,AMD&start=2000-01-01&end=2024-12-31");

        var root = response.Root;
        Assert.Equal(["corporate_actions", "next_page_token"], root.EnumerateObject().Select(p => p.Name));
        var groups = root.GetProperty("corporate_actions");
        var dividends = groups.GetProperty("cash_dividends").EnumerateArray().ToList();
        Assert.NotEmpty(dividends);
        Assert.All(dividends, d =>
        {
            Assert.Equal(["id", "symbol", "cusip", "rate", "special", "foreign", "ex_date", "record_date", "payable_date", "process_date"], d.EnumerateObject().Select(p => p.Name));
            Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$", d.GetProperty("id").GetString());
            Assert.Matches(@"^\d{4}-\d{2}-\d{2}$", d.GetProperty("ex_date").GetString());
            Assert.True(d.GetProperty("rate").GetDecimal() > 0);
        });
        var splits = groups.GetProperty("forward_splits").EnumerateArray().ToList();
        Assert.All(splits, s => Assert.True(s.GetProperty("new_rate").GetInt32() > s.GetProperty("old_rate").GetInt32()));
    }

    [Fact]
    public async Task Pages_return_every_action_once_and_end_with_a_null_token()
    {
        await using var sim = await SimHost.StartAsync();
        const string Query = "/v1/corporate-actions?start=2020-01-01&end=2024-12-31&types=cash_dividend,forward_split";

        var all = (await sim.GetAsync(Query)).Root;
        var pages = new List<JsonElement>();
        string? token = null;
        do
        {
            var page = (await sim.GetAsync(Query + "&limit=7" + (token is null ? "" : "&page_token=" + Uri.EscapeDataString(token)))).Root;
            pages.Add(page);
            token = page.GetProperty("next_page_token").GetString();
        }
        while (token is not null);

        static IEnumerable<string> Ids(JsonElement page) =>
            page.GetProperty("corporate_actions").EnumerateObject().SelectMany(g => g.Value.EnumerateArray()).Select(a => a.GetProperty("id").GetString()!);
        Assert.Equal(JsonValueKind.Null, all.GetProperty("next_page_token").ValueKind);
        Assert.True(pages.Count > 3);
        Assert.Equal(Ids(all).Order(), pages.SelectMany(Ids).Order());
        Assert.Equal(pages.SelectMany(Ids).Count(), pages.SelectMany(Ids).Distinct().Count());
    }

    [Fact]
    public async Task An_unknown_type_is_refused()
    {
        await using var sim = await SimHost.StartAsync();

        var response = await sim.GetAsync("/v1/corporate-actions?types=dividend");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
    }
}
