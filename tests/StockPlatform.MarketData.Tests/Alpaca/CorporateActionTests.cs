using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using StockPlatform.MarketData.Alpaca.Rest;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketData.Tests.Support;

namespace StockPlatform.MarketData.Tests.Alpaca;

/// <summary>Splits and cash dividends from <c>/v1/corporate-actions</c>, over pages, with their rates at hand.</summary>
public class CorporateActionTests
{
    private const string Page1 = """
        {"corporate_actions":{
          "reverse_splits":[{"id":"rs-1","symbol":"XYZ","new_rate":1,"old_rate":10,"ex_date":"2024-03-04","process_date":"2024-03-04","record_date":"2024-03-01"}],
          "forward_splits":[{"id":"fs-1","symbol":"ABC","new_rate":3,"old_rate":2,"ex_date":"2024-02-01","process_date":"2024-02-01","payable_date":"2024-01-31"}],
          "spin_offs":[{"id":"so-1","source_symbol":"ABC","new_symbol":"ABCS","ex_date":"2024-02-05"}]
        },"next_page_token":"cGFnZTI="}
        """;

    private const string Page2 = """
        {"corporate_actions":{
          "cash_dividends":[
            {"id":"cd-1","symbol":"ABC","rate":0.24,"special":false,"foreign":false,"ex_date":"2024-02-15","process_date":"2024-03-01"},
            {"id":"cd-2","symbol":"XYZ","rate":"1.5","ex_date":"2024-05-15"}]
        },"next_page_token":null}
        """;

    [Fact]
    public async Task Reverse_and_forward_splits_and_cash_dividends_come_from_every_page_with_their_rates()
    {
        var queries = new ConcurrentQueue<string>();
        await using var server = await LocalServer.StartAsync(app => app.MapGet("/v1/corporate-actions", (HttpContext context) =>
        {
            queries.Enqueue(context.Request.QueryString.Value ?? string.Empty);
            return Results.Content(context.Request.Query.ContainsKey("page_token") ? Page2 : Page1, "application/json");
        }));
        using var clients = Clients.For(server.BaseUri);

        var request = new CorporateActionsRequest([Symbol.Parse("ABC"), Symbol.Parse("XYZ")], new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31))
        {
            Types = [CorporateActionTypes.ReverseSplit, CorporateActionTypes.ForwardSplit, CorporateActionTypes.CashDividend],
        };
        var actions = (await clients.Rest.GetCorporateActionsAsync(request)).ToDictionary(a => a.Id);

        Assert.Equal(5, actions.Count);
        var reverse = actions["rs-1"];
        Assert.Equal((CorporateActionTypes.ReverseSplit, "XYZ", new DateOnly(2024, 3, 4)), (reverse.Type, reverse.Symbol, reverse.ExDate!.Value));
        Assert.Equal((1m, 10m, 10m), (reverse.NewRate, reverse.OldRate, reverse.SplitFactor));
        Assert.True(reverse.IsSplit);
        var forward = actions["fs-1"];
        Assert.Equal(CorporateActionTypes.ForwardSplit, forward.Type);
        Assert.Equal(2m / 3m, forward.SplitFactor);
        Assert.Null(forward.Rate);

        var dividend = actions["cd-1"];
        Assert.True(dividend.IsCashDividend);
        Assert.False(dividend.IsSplit);
        Assert.Equal(0.24m, dividend.Rate);
        Assert.Null(dividend.SplitFactor);
        Assert.Equal(1.5m, actions["cd-2"].Rate); // a rate sent as a string still reads

        var spinOff = actions["so-1"];
        Assert.Equal(("spin_off", "ABCS"), (spinOff.Type, spinOff.Symbol));
        Assert.Null(spinOff.SplitFactor);

        Assert.Equal(2, queries.Count);
        Assert.Contains("types=reverse_split%2Cforward_split%2Ccash_dividend", queries.First());
        Assert.Contains("symbols=ABC%2CXYZ", queries.Last());
        Assert.Contains("page_token=cGFnZTI%3D", queries.Last());
    }
}
