using StockPlatform.Features.Tests.Calculation.Support;

namespace StockPlatform.Features.Tests.Calculation;

public sealed class SessionVwapTests
{
    [Fact]
    public void Session_vwap_accumulates_within_a_session_and_starts_over_when_the_session_changes()
    {
        var bars = TestSeries.Of(
            close: [10, 12, 20, 21, 22],
            vwap: [10, 12, 20, 21, 24],
            volume: [100, 300, 0, 50, 50],
            session: [7, 7, 8, 8, 8]);

        var vwap = TestSeries.Feature(bars, "vwap_session");
        var priceVolume = TestSeries.Feature(bars, "vwap_session_pv");
        var volume = TestSeries.Feature(bars, "vwap_session_volume");

        Assert.Equal(10.0, vwap[0]);
        Assert.Equal(4600.0 / 400.0, vwap[1]);
        Assert.True(double.IsNaN(vwap[2]), "a session without volume yet has no VWAP");
        Assert.Equal(21.0, vwap[3]);
        Assert.Equal(22.5, vwap[4]);
        Assert.Equal([1000, 4600, 0, 1050, 2250], priceVolume);
        Assert.Equal([100, 400, 0, 50, 100], volume);
    }

    [Fact]
    public void A_gap_inside_a_session_does_not_reset_the_session_vwap()
    {
        var bars = TestSeries.Of(close: [10, 30], vwap: [10, 30], volume: [100, 100], session: [3, 3]);

        Assert.Equal(20.0, TestSeries.Feature(bars, "vwap_session")[1]);
    }
}
