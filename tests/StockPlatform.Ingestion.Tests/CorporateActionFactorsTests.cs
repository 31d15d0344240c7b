using System.Text.Json;
using StockPlatform.Ingestion.CorporateActions;
using StockPlatform.MarketData.Alpaca.Rest;
using StockPlatform.MarketData.Calendar;

namespace StockPlatform.Ingestion.Tests;

public sealed class CorporateActionFactorsTests
{
    [Fact]
    public void A_forward_split_divides_earlier_prices_and_multiplies_earlier_volumes_by_its_ratio()
    {
        var stored = CorporateActionFactors.ToStored("XYZ", Action("forward_split", """{"id":"a1","symbol":"XYZ","new_rate":4,"old_rate":1,"ex_date":"2024-06-10","process_date":"2024-06-10"}"""), null);

        Assert.Equal(("a1", "XYZ", "forward_split", new DateOnly(2024, 6, 10), new DateOnly(2024, 6, 10)), (stored.Id, stored.Symbol, stored.Type, stored.ExDate, stored.ProcessDate));
        Assert.Equal((1m, 4m, 0.25m, 4m), (stored.OldRate, stored.NewRate, stored.PriceFactor, stored.VolumeFactor));
        Assert.Null(stored.ReferenceClose);
        Assert.Equal(4, JsonDocument.Parse(stored.FieldsJson).RootElement.GetProperty("new_rate").GetInt32());
    }

    [Fact]
    public void A_reverse_split_multiplies_earlier_prices()
    {
        var stored = CorporateActionFactors.ToStored("XYZ", Action("reverse_split", """{"id":"r1","symbol":"XYZ","new_rate":1,"old_rate":10,"ex_date":"2024-06-10"}"""), null);

        Assert.Equal((10m, 0.1m), (stored.PriceFactor, stored.VolumeFactor));
    }

    [Fact]
    public void A_cash_dividend_takes_one_minus_its_rate_over_the_reference_close_rounded_to_ten_decimals()
    {
        var dividend = Action("cash_dividend", """{"id":"d1","symbol":"XYZ","rate":0.24,"ex_date":"2024-03-15","process_date":"2024-04-01"}""");

        var stored = CorporateActionFactors.ToStored("XYZ", dividend, 187.31m);
        var unknown = CorporateActionFactors.ToStored("XYZ", dividend, null);

        Assert.Equal(0.9987187016m, stored.PriceFactor); // 1 - 0.24 / 187.31 = 0.998718701617...
        Assert.Equal((187.31m, 0.24m), (stored.ReferenceClose, stored.Rate));
        Assert.Null(stored.VolumeFactor);
        Assert.Null(unknown.PriceFactor); // waits for a refresh that knows the close
        Assert.Null(unknown.ReferenceClose);
    }

    [Fact]
    public void Other_types_are_kept_without_a_factor_and_an_action_without_an_id_is_named_by_its_fields()
    {
        var merger = CorporateActionFactors.ToStored("XYZ", Action("cash_merger", """{"acquiree_symbol":"XYZ","rate":50,"effective_date":"2024-07-01"}""", id: ""), 40m);
        var unitSplit = CorporateActionFactors.ToStored("XYZ", Action("unit_split", """{"id":"u1","new_rate":2,"old_rate":1,"ex_date":"2024-05-01"}"""), null);

        Assert.Null(merger.PriceFactor);
        Assert.Null(merger.ReferenceClose);
        Assert.Equal("cash_merger:XYZ::", merger.Id);
        Assert.Equal((2m, 1m, null, null), (unitSplit.NewRate, unitSplit.OldRate, unitSplit.PriceFactor, unitSplit.VolumeFactor));
    }

    [Fact]
    public void A_dividend_s_reference_day_is_the_last_trading_day_before_its_ex_date_once_that_day_has_closed()
    {
        var calendar = NyseCalendar.GetTradingDays(new(2024, 3, 20), new(2024, 4, 10)).ToList();
        var now = NyseCalendar.GetTradingDay(new(2024, 4, 8))!.CloseUtc.AddMinutes(-1);

        var days = CorporateActionFactors.ReferenceDays([new(2024, 4, 1), new(2024, 3, 26), new(2024, 4, 1), new(2024, 4, 9), new(2024, 4, 10)], calendar, now);

        Assert.Equal(new Dictionary<DateOnly, DateOnly>
        {
            [new(2024, 4, 1)] = new(2024, 3, 28), // Good Friday and the weekend before it
            [new(2024, 3, 26)] = new(2024, 3, 25),
        }, days); // the 9th's day before (the 8th) has not closed yet, nor has the 10th's: their dividends wait

    }

    private static CorporateAction Action(string type, string json, string? id = null)
    {
        using var document = JsonDocument.Parse(json);
        var fields = document.RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.Clone());
        string? Text(string name) => fields.TryGetValue(name, out var value) ? value.GetString() : null;
        DateOnly? Date(string name) => Text(name) is { } text ? DateOnly.Parse(text, System.Globalization.CultureInfo.InvariantCulture) : null;
        return new CorporateAction(type, id ?? Text("id") ?? string.Empty, Text("symbol"), Date("ex_date"), Date("process_date"), fields);
    }
}
