using StockPlatform.Frontend.Display;
using StockPlatform.Frontend.Gateway;

namespace StockPlatform.Frontend.Tests;

public sealed class CorporateActionTextTests
{
    private static CorporateAction Split(string type, decimal? newRate, decimal? oldRate, DateOnly? exDate = null) =>
        new("a", type, exDate ?? new(2024, 6, 10), null, oldRate, newRate, null, null, null, null);

    private static CorporateAction Dividend(decimal? rate, DateOnly? exDate = null) =>
        new("d", "cash_dividend", exDate ?? new(2024, 6, 10), null, null, null, rate, 100m, 0.9976m, null);

    [Theory]
    [InlineData("forward_split", "4", "1", "4:1 split")]
    [InlineData("forward_split", "3", "2", "3:2 split")]
    [InlineData("forward_split", "1.5", "1", "1.5:1 split")]
    [InlineData("reverse_split", "1", "10", "1:10 reverse split")]
    public void Splits_read_new_shares_for_old(string type, string newRate, string oldRate, string expected) =>
        Assert.Equal(expected, CorporateActionText.MarkerText(Split(type, decimal.Parse(newRate, System.Globalization.CultureInfo.InvariantCulture), decimal.Parse(oldRate, System.Globalization.CultureInfo.InvariantCulture))));

    [Theory]
    [InlineData("0.24", "Div $0.24")]
    [InlineData("0.2", "Div $0.20")]
    [InlineData("0.125", "Div $0.125")]
    [InlineData("1.5", "Div $1.50")]
    public void Dividends_read_their_cash_per_share(string rate, string expected) =>
        Assert.Equal(expected, CorporateActionText.MarkerText(Dividend(decimal.Parse(rate, System.Globalization.CultureInfo.InvariantCulture))));

    [Fact]
    public void Actions_without_their_rates_or_of_other_types_are_not_marked()
    {
        Assert.Null(CorporateActionText.MarkerText(Split("forward_split", null, 1)));
        Assert.Null(CorporateActionText.MarkerText(Split("reverse_split", 1, 0)));
        Assert.Null(CorporateActionText.MarkerText(Dividend(null)));
        Assert.Null(CorporateActionText.MarkerText(Split("spin_off", 1, 1)));
        Assert.Null(CorporateActionText.Line(Split("spin_off", 1, 1)));
        Assert.Empty(CorporateActionText.Markers([Split("name_change", 1, 1)]));
        // The gateway sends a null ex-date for actions it cannot place: neither marked nor listed.
        var undated = Dividend(0.24m) with { ExDate = null };
        Assert.Empty(CorporateActionText.Markers([undated]));
        Assert.Null(CorporateActionText.Line(undated));
    }

    [Fact]
    public void Markers_come_oldest_first_at_their_ex_dates_first_daily_bar()
    {
        var markers = CorporateActionText.Markers([Dividend(0.24m, new(2026, 1, 8)), Split("forward_split", 4, 1, new(2025, 6, 10)), Dividend(0.22m, new(2025, 10, 8))]);

        Assert.Equal(["4:1 split", "Div $0.22", "Div $0.24"], markers.Select(m => m.Text));
        Assert.Equal(["split", "dividend", "dividend"], markers.Select(m => m.Kind));
        // The gateway stamps a daily bar with its New York midnight: the chart gives the marker that bar's time.
        Assert.Equal(ChartBars.ToChartTime(new DateTime(2026, 1, 8, 5, 0, 0, DateTimeKind.Utc)), markers[2].Time);
        Assert.Equal(ChartBars.ToChartTime(new DateTime(2025, 6, 10, 4, 0, 0, DateTimeKind.Utc)), markers[0].Time);
        // A minute bar's chart time falls within its date's day from that midnight.
        var open = ChartBars.ToChartTime(new DateTime(2026, 1, 8, 14, 30, 0, DateTimeKind.Utc));
        Assert.InRange(open - markers[2].Time, 0, 86_399);
    }

    [Fact]
    public void The_gateways_actions_are_read_with_their_rates_factors_and_a_missing_ex_date()
    {
        var list = System.Text.Json.JsonSerializer.Deserialize<CorporateActionList>(Fakes.GatewayJson.CorporateActions("XYZ", "2026-01-09T10:00:00Z",
            Fakes.GatewayJson.Split("2024-06-10", 4, 1),
            """{"id":"b","type":"spin_off","ex_date":null,"process_date":null,"old_rate":null,"new_rate":null,"rate":null,"reference_close":null,"price_factor":null,"volume_factor":null}""",
            Fakes.GatewayJson.Dividend("2024-09-03", 0.24m, 120m)), GatewayClient.Json)!;

        Assert.Equal(new DateTime(2026, 1, 9, 10, 0, 0, DateTimeKind.Utc), list.RefreshedAt!.Value.ToUniversalTime());
        Assert.Equal((new DateOnly(2024, 6, 10), 1m, 4m, 0.25m, 4m), (list.Actions[0].ExDate!.Value, list.Actions[0].OldRate!.Value, list.Actions[0].NewRate!.Value,
            list.Actions[0].PriceFactor!.Value, list.Actions[0].VolumeFactor!.Value));
        Assert.Null(list.Actions[1].ExDate);
        Assert.Equal((0.24m, 120m, 0.998m), (list.Actions[2].Rate!.Value, list.Actions[2].ReferenceClose!.Value, list.Actions[2].PriceFactor!.Value));
        Assert.Equal(["4:1 split", "Div $0.24"], CorporateActionText.Markers(list.Actions).Select(m => m.Text));
    }

    [Fact]
    public void The_list_line_leads_with_the_ex_date() =>
        Assert.Equal("2024-06-10 · 4:1 split", CorporateActionText.Line(Split("forward_split", 4, 1)));

    [Theory]
    [InlineData("raw", "Raw", "Prices as traded", false)]
    [InlineData("split", "Split", "Adjusted for splits", true)]
    [InlineData("dividend", "Dividend", "Adjusted for cash dividends", true)]
    [InlineData("all", "All", "Adjusted for splits and cash dividends", true)]
    public void Adjustments_have_a_label_and_say_what_they_do(string value, string label, string description, bool adjusted)
    {
        Assert.Equal(label, AdjustmentText.Label(value));
        Assert.Equal(description, AdjustmentText.Description(value));
        Assert.Equal(adjusted, AdjustmentText.IsAdjusted(value));
    }

    [Fact]
    public void The_switch_offers_every_adjustment_the_gateway_takes_in_order() =>
        Assert.Equal(["raw", "split", "dividend", "all"], AdjustmentText.Modes.Select(m => m.Value));
}
