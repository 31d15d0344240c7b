using StockPlatform.Features.Calculation;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.Features.Tests.Calculation;

public sealed class BarSeriesTests
{
    [Fact]
    public void From_converts_bars_to_columns_with_microsecond_timestamps_and_new_york_sessions()
    {
        // 23:30 UTC on 8 March is 18:30 in New York, 03:00 UTC on 9 March is 22:00 on 8 March there.
        var evening = new DateTimeOffset(2024, 3, 8, 23, 30, 0, TimeSpan.Zero);
        var lateEvening = new DateTimeOffset(2024, 3, 9, 3, 0, 0, TimeSpan.Zero);
        var nextMorning = new DateTimeOffset(2024, 3, 11, 13, 30, 0, TimeSpan.Zero);
        Bar[] bars =
        [
            new(evening, 10.5m, 11m, 10m, 10.75m, 300, 3, 10.6m),
            new(lateEvening, 10.75m, 10.8m, 10.7m, 10.7m, 0, 0, 0m),
            new(nextMorning, 12m, 12.5m, 11.5m, 12.25m, 1000, 9, 12.1m),
        ];

        var series = BarSeries.From(bars, BarSeries.NewYorkSession);

        Assert.Equal(3, series.Count);
        Assert.Equal(evening.ToUnixTimeMilliseconds() * 1000, series.TimestampsMicros[0]);
        Assert.Equal([10.5, 10.75, 12], series.Open);
        Assert.Equal([10.75, 10.7, 12.25], series.Close);
        Assert.Equal([300, 0, 1000], series.Volume);
        Assert.Equal([10.6, 0, 12.1], series.Vwap);
        Assert.Equal(new DateOnly(2024, 3, 8).DayNumber, series.Session[0]);
        Assert.Equal(series.Session[0], series.Session[1]);
        Assert.Equal(new DateOnly(2024, 3, 11).DayNumber, series.Session[2]);
    }

    [Fact]
    public void Columns_of_different_lengths_are_rejected()
    {
        Assert.Throws<ArgumentException>(() => new BarSeries([1, 2], [1, 2], [1, 2], [1, 2], [1], [1, 2], [1, 2], [0, 0]));
    }

    [Fact]
    public void Timestamps_out_of_order_or_repeated_are_rejected()
    {
        double[] values = [1, 1];
        Assert.Throws<ArgumentException>(() => new BarSeries([2, 1], values, values, values, values, values, values, [0, 0]));
        Assert.Throws<ArgumentException>(() => new BarSeries([1, 1], values, values, values, values, values, values, [0, 0]));
    }

    [Fact]
    public void A_slice_is_a_copy_of_the_chosen_bars()
    {
        double[] close = [1, 2, 3, 4];
        var series = new BarSeries([10, 20, 30, 40], close, close, close, close, close, close, [1, 1, 2, 2]);

        var slice = series.Slice(1, 2);
        close[1] = 99;

        Assert.Equal([20, 30], slice.TimestampsMicros);
        Assert.Equal([2, 3], slice.Close);
        Assert.Equal([1, 2], slice.Session);
    }
}
