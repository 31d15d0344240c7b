using StockPlatform.Frontend.Display;
using StockPlatform.Frontend.Gateway;

namespace StockPlatform.Frontend.Tests;

public sealed class LiveBucketTests
{
    // Thu 2026-01-08, New York on EST (UTC-5): 15:00Z is 10:00 ET.
    private static readonly Bar Loaded5m = new(Utc("2026-01-08T15:00:00Z"), 100m, 101m, 99m, 100.5m, 1000, 10, 100m, Complete: false);

    private static DateTime Utc(string iso) => DateTime.Parse(iso, System.Globalization.CultureInfo.InvariantCulture, System.Globalization.DateTimeStyles.AdjustToUniversal);

    private static LiveBar Minute(string iso, decimal open, decimal high, decimal low, decimal close, long volume, bool correction = false) =>
        new("SPY", Utc(iso), open, high, low, close, volume, 5, close, "iex", correction);

    [Fact]
    public void A_minute_in_the_last_bucket_folds_into_the_bar_loaded_for_it()
    {
        var live = new LiveBuckets("5m", "extended", Loaded5m);

        var bar = live.Apply(Minute("2026-01-08T15:03:00Z", 100.5m, 102m, 100.4m, 101.8m, 500))!;

        Assert.Equal(Utc("2026-01-08T15:00:00Z"), bar.Timestamp);
        Assert.Equal((100m, 102m, 99m, 101.8m), (bar.Open, bar.High, bar.Low, bar.Close));
        Assert.Equal(1500, bar.Volume);
        Assert.Equal(15, bar.TradeCount);
        Assert.Equal(((100m * 1000) + (101.8m * 500)) / 1500, bar.Vwap);
    }

    [Fact]
    public void A_minute_past_the_last_bucket_starts_a_new_one_and_the_old_one_is_left_alone()
    {
        var live = new LiveBuckets("5m", "extended", Loaded5m);

        var bar = live.Apply(Minute("2026-01-08T15:06:00Z", 101m, 101.5m, 100.9m, 101.2m, 300))!;

        Assert.Equal(Utc("2026-01-08T15:05:00Z"), bar.Timestamp);
        Assert.Equal((101m, 101.5m, 100.9m, 101.2m, 300L), (bar.Open, bar.High, bar.Low, bar.Close, bar.Volume));
        // A late minute of the bucket before: its other minutes are not kept.
        Assert.Null(live.Apply(Minute("2026-01-08T15:04:00Z", 100m, 100m, 100m, 100m, 1)));
    }

    [Fact]
    public void A_correction_of_a_live_minute_refolds_the_bucket_instead_of_folding_over_it()
    {
        var live = new LiveBuckets("5m", "extended", Loaded5m);
        live.Apply(Minute("2026-01-08T15:03:00Z", 100.5m, 102m, 98m, 101.8m, 500));

        var bar = live.Apply(Minute("2026-01-08T15:03:00Z", 100.5m, 100.8m, 100.2m, 100.6m, 450, correction: true))!;

        // The corrected high and low are inside the loaded bar's: its extremes come back.
        Assert.Equal((100m, 101m, 99m, 100.6m), (bar.Open, bar.High, bar.Low, bar.Close));
        Assert.Equal(1450, bar.Volume);
        // A correction of a minute only the loaded bar holds cannot be taken out of it.
        Assert.Null(live.Apply(Minute("2026-01-08T15:01:00Z", 100m, 100m, 100m, 100m, 1, correction: true)));
    }

    [Fact]
    public void Daily_bars_gather_minutes_by_New_York_session_date()
    {
        var loaded = new Bar(Utc("2026-01-08T05:00:00Z"), 580m, 590m, 575m, 588m, 1000, 10, 584m, Complete: false);
        var extended = new LiveBuckets("1d", "extended", loaded);

        // 19:30 ET on the 8th is already the 9th in UTC.
        var evening = extended.Apply(Minute("2026-01-09T00:30:00Z", 588m, 592m, 587m, 591m, 200))!;
        Assert.Equal(Utc("2026-01-08T05:00:00Z"), evening.Timestamp);
        Assert.Equal((580m, 592m, 575m, 591m, 1200L), (evening.Open, evening.High, evening.Low, evening.Close, evening.Volume));
        var nextDay = extended.Apply(Minute("2026-01-09T14:30:00Z", 590m, 591m, 589m, 590.5m, 100))!;
        Assert.Equal(Utc("2026-01-09T05:00:00Z"), nextDay.Timestamp);
        Assert.Equal(100, nextDay.Volume);

        // The regular session's daily bar leaves after-hours out.
        Assert.Null(new LiveBuckets("1d", "regular", loaded).Apply(Minute("2026-01-09T00:30:00Z", 588m, 592m, 587m, 591m, 200)));
    }

    [Fact]
    public void At_one_minute_each_minute_is_its_own_bar_within_the_session_shown()
    {
        var live = new LiveBuckets("1m", "regular", null);

        var correction = live.Apply(Minute("2026-01-08T15:03:00Z", 100m, 101m, 99m, 100.5m, 40, correction: true))!;

        Assert.Equal((Utc("2026-01-08T15:03:00Z"), 100.5m, 40L), (correction.Timestamp, correction.Close, correction.Volume));
        // 09:29 ET is pre-market.
        Assert.Null(live.Apply(Minute("2026-01-08T14:29:00Z", 100m, 101m, 99m, 100.5m, 40)));
        Assert.NotNull(new LiveBuckets("1m", "extended", null).Apply(Minute("2026-01-08T14:29:00Z", 100m, 101m, 99m, 100.5m, 40)));
    }
}
