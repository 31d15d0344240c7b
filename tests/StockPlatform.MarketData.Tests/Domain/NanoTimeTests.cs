using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketData.Tests.Domain;

public sealed class NanoTimeTests
{
    [Theory]
    [InlineData("2022-04-11T12:00:36.002951946Z", "2022-04-11T12:00:36.002951946Z")]
    [InlineData("2022-04-11T12:00:36Z", "2022-04-11T12:00:36.000000000Z")]
    [InlineData("2022-04-11T12:00:36.5Z", "2022-04-11T12:00:36.500000000Z")]
    [InlineData("2022-04-11T08:00:36.123456789-04:00", "2022-04-11T12:00:36.123456789Z")]
    public void Parsing_keeps_every_nanosecond_and_prints_nine_digits_in_utc(string text, string printed) =>
        Assert.Equal(printed, NanoTime.Parse(text).ToString());

    [Theory]
    [InlineData("")]
    [InlineData("2022-04-11")]
    [InlineData("2022-04-11T12:00:36.Z")]
    [InlineData("2022-04-11T12:00:36.0123456789Z")]
    [InlineData("yesterday")]
    public void Anything_but_rfc3339_is_refused(string text) => Assert.False(NanoTime.TryParse(text, out _));

    [Fact]
    public void The_microsecond_and_the_nanoseconds_past_it_rebuild_the_instant()
    {
        var time = NanoTime.Parse("2024-01-02T14:30:00.123456789Z");
        Assert.Equal(new DateTimeOffset(2024, 1, 2, 14, 30, 0, TimeSpan.Zero).AddTicks(1_234_560), time.Microsecond);
        Assert.Equal(789, time.NanosecondOfMicrosecond);
        Assert.Equal(time, NanoTime.FromParts(time.Microsecond, time.NanosecondOfMicrosecond));
    }

    [Fact]
    public void Instants_order_by_their_nanoseconds()
    {
        var earlier = NanoTime.Parse("2024-01-02T14:30:00.000000001Z");
        var later = NanoTime.Parse("2024-01-02T14:30:00.000000002Z");
        Assert.True(earlier < later);
        Assert.Equal(-1, earlier.CompareTo(later));
    }
}
