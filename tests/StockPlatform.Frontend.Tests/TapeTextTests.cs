using StockPlatform.Frontend.Display;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.Frontend.Tests;

public sealed class TapeTextTests
{
    [Theory]
    [InlineData("187.15", "187.15")]
    [InlineData("187.1", "187.10")]
    [InlineData("187", "187.00")]
    [InlineData("187.1512", "187.1512")]
    [InlineData("0.0825", "0.0825")]
    [InlineData("1234.5", "1,234.50")]
    [InlineData("187.151234", "187.1512")]
    public void Prices_show_two_decimals_and_up_to_four_for_sub_penny_prints(string price, string expected) =>
        Assert.Equal(expected, TapeText.Price(decimal.Parse(price, System.Globalization.CultureInfo.InvariantCulture)));

    [Theory]
    // Winter: New York is UTC-5; summer: UTC-4.
    [InlineData("2024-01-02T14:30:00.123456789Z", "09:30:00.123456", "2024-01-02")]
    [InlineData("2024-07-01T13:30:00.000001999Z", "09:30:00.000001", "2024-07-01")]
    [InlineData("2024-01-03T04:59:59.999999999Z", "23:59:59.999999", "2024-01-02")]
    public void Times_read_in_New_York_to_the_microsecond_truncated_not_rounded(string timestamp, string time, string date)
    {
        var at = NanoTime.Parse(timestamp);

        Assert.Equal(time, TapeText.Time(at));
        Assert.Equal(date, TapeText.Date(at));
    }

    [Fact]
    public void The_full_time_keeps_every_nanosecond_the_feed_sent()
    {
        Assert.Equal("2024-01-02 09:30:00.123456789 ET", TapeText.FullTime(NanoTime.Parse("2024-01-02T14:30:00.123456789Z")));
        Assert.Equal("2024-03-10 03:00:00.000000007 ET", TapeText.FullTime(NanoTime.Parse("2024-03-10T07:00:00.000000007Z")));
    }

    [Fact]
    public void The_dates_of_the_rows_read_as_one_date_or_a_range()
    {
        Assert.Equal(string.Empty, TapeText.Dates([]));
        Assert.Equal("2024-01-02", TapeText.Dates([NanoTime.Parse("2024-01-02T20:59:00Z"), NanoTime.Parse("2024-01-02T14:30:00Z")]));
        Assert.Equal("2024-01-02 to 2024-01-03",
            TapeText.Dates([NanoTime.Parse("2024-01-03T14:30:00Z"), NanoTime.Parse("2024-01-02T20:59:00Z"), NanoTime.Parse("2024-01-03T01:00:00Z")]));
    }

    [Theory]
    [InlineData("187.14", "187.16", "0.02", "1.1 bp")]
    [InlineData("187.15", "187.15", "0.00", "0.0 bp")]
    [InlineData("187.16", "187.14", "-0.02", "-1.1 bp")]
    [InlineData("0.0810", "0.0825", "0.0015", "183.5 bp")]
    [InlineData("0", "187.16", "—", "")]
    [InlineData("187.14", "0", "—", "")]
    public void The_spread_is_ask_minus_bid_with_its_basis_points_and_a_dash_for_an_empty_side(string bid, string ask, string spread, string basisPoints)
    {
        var (b, a) = (decimal.Parse(bid, System.Globalization.CultureInfo.InvariantCulture), decimal.Parse(ask, System.Globalization.CultureInfo.InvariantCulture));

        Assert.Equal(spread, TapeText.SpreadText(b, a));
        Assert.Equal(basisPoints, TapeText.SpreadBasisPoints(b, a));
    }

    [Fact]
    public void A_quote_side_reads_price_by_size()
    {
        Assert.Equal("187.14 × 2", TapeText.Side(187.14m, 2));
        Assert.Equal("0.0825 × 12,000", TapeText.Side(0.0825m, 12_000));
    }

    [Fact]
    public void Exchanges_are_named_by_their_codes_and_an_unknown_code_stays_as_it_came()
    {
        Assert.Equal("IEX", TapeText.Exchange("V"));
        Assert.Equal("NYSE Arca", TapeText.Exchange("P"));
        Assert.Equal("Cboe BZX", TapeText.Exchange("Z"));
        Assert.Equal("E", TapeText.Exchange("E"));
    }

    [Fact]
    public void Conditions_are_joined_by_a_space_and_none_is_empty()
    {
        Assert.Equal("@ F I", TapeText.Conditions(["@", "F", "I"]));
        Assert.Equal(string.Empty, TapeText.Conditions([]));
    }
}
