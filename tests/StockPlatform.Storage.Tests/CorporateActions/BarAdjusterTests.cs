using StockPlatform.MarketData.Alpaca.Rest;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.CorporateActions;

namespace StockPlatform.Storage.Tests.CorporateActions;

public sealed class BarAdjusterTests
{
    // A 4-for-1 split on 2024-06-10 and a $0.50 dividend on 2024-06-05 (previous close $200).
    private static readonly StoredCorporateAction Split = new("s1", "XYZ", CorporateActionTypes.ForwardSplit, new DateOnly(2024, 6, 10), null,
        1m, 4m, null, null, 1m / 4m, 4m, "{}");

    private static readonly StoredCorporateAction Dividend = new("d1", "XYZ", CorporateActionTypes.CashDividend, new DateOnly(2024, 6, 5), null,
        null, null, 0.5m, 200m, BarAdjuster.DividendFactor(0.5m, 200m), null, "{}");

    private static readonly StoredCorporateAction Merger = new("m1", "XYZ", "cash_merger", new DateOnly(2024, 6, 20), null,
        null, null, null, null, null, null, "{}");

    // 2024-06-03 14:30 UTC is 10:30 in New York: before both ex-dates.
    private static readonly Bar Early = new(new DateTimeOffset(2024, 6, 3, 14, 30, 0, TimeSpan.Zero), 201.00m, 202.00m, 200.00m, 201.50m, 1001, 40, 201.123456m);

    [Theory]
    [InlineData("raw", 1.0, 1.0)]
    [InlineData("split", 0.25, 0.25)]
    [InlineData("dividend", 0.9975, 1.0)]
    [InlineData("all", 0.249375, 0.25)]
    public void Each_mode_applies_its_actions_to_bars_before_their_ex_dates(string text, double priceFactor, double volumeFactor)
    {
        Assert.True(BarAdjuster.TryParseMode(text, out var mode));
        var adjusted = new BarAdjuster([Split, Dividend, Merger], mode).Adjust(Early);

        var p = (decimal)priceFactor;
        if (p == 1m)
        {
            Assert.Equal(Early, adjusted); // nothing applies: the stored decimals come back as they are
            return;
        }
        Assert.Equal(Math.Round(201.00m * p, 4, MidpointRounding.AwayFromZero), adjusted.Open);
        Assert.Equal(Math.Round(202.00m * p, 4, MidpointRounding.AwayFromZero), adjusted.High);
        Assert.Equal(Math.Round(200.00m * p, 4, MidpointRounding.AwayFromZero), adjusted.Low);
        Assert.Equal(Math.Round(201.50m * p, 4, MidpointRounding.AwayFromZero), adjusted.Close);
        Assert.Equal(Math.Round(201.123456m * p, 4, MidpointRounding.AwayFromZero), adjusted.Vwap);
        Assert.Equal((long)Math.Round(1001 / (decimal)volumeFactor, MidpointRounding.AwayFromZero), adjusted.Volume);
        Assert.Equal(40, adjusted.TradeCount);
    }

    [Fact]
    public void Bars_on_or_after_an_ex_date_are_not_adjusted_for_it()
    {
        var adjuster = new BarAdjuster([Split, Dividend], AdjustmentMode.All);
        var onDividend = Early with { Timestamp = new DateTimeOffset(2024, 6, 5, 13, 30, 0, TimeSpan.Zero) };
        var onSplit = Early with { Timestamp = new DateTimeOffset(2024, 6, 10, 13, 30, 0, TimeSpan.Zero) };

        Assert.Equal(Math.Round(201.00m * 0.25m, 4), adjuster.Adjust(onDividend).Open);
        Assert.Equal(onSplit, adjuster.Adjust(onSplit));
    }

    [Fact]
    public void A_bar_late_in_the_evening_belongs_to_its_new_york_date()
    {
        // 2024-06-10 00:30 UTC is still 2024-06-09 in New York: before the split.
        var evening = Early with { Timestamp = new DateTimeOffset(2024, 6, 10, 0, 30, 0, TimeSpan.Zero) };
        Assert.Equal(50.25m, new BarAdjuster([Split], AdjustmentMode.Split).Adjust(evening).Open);
    }

    [Fact]
    public void Factors_multiply_latest_first_rounded_to_twelve_decimals()
    {
        var third = Split with { Id = "s2", ExDate = new DateOnly(2024, 6, 12), OldRate = 1m, NewRate = 3m, PriceFactor = 1m / 3m };
        var (price, volume) = new BarAdjuster([Split, third], AdjustmentMode.Split).FactorsFor(new DateOnly(2024, 6, 3));

        Assert.Equal(0.083333333333m, price); // round(round(1/3, 12) * 0.25, 12)
        Assert.Equal(price, volume);
    }

    [Theory]
    [InlineData("adjusted")]
    [InlineData("SPLIT")]
    [InlineData("spin-off")]
    [InlineData("split,dividend")]
    public void Unknown_modes_are_refused(string text) => Assert.False(BarAdjuster.TryParseMode(text, out _));

    [Fact]
    public void The_dividend_factor_is_rounded_to_ten_decimals() =>
        Assert.Equal(0.9966666667m, BarAdjuster.DividendFactor(1m, 300m));
}
