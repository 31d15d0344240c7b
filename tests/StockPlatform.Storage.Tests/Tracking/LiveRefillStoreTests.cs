using Microsoft.Extensions.DependencyInjection;
using StockPlatform.Storage.Tests.Support;
using StockPlatform.Storage.Tracking;

namespace StockPlatform.Storage.Tests.Tracking;

public sealed class LiveRefillStoreTests
{
    private static readonly DateTimeOffset TenOClock = new(2025, 3, 5, 15, 0, 0, TimeSpan.Zero);

    [Fact]
    public async Task A_recorded_refill_comes_back_first_with_those_still_pending_and_stays_until_cleared()
    {
        await using var db = await StorageHost.CreateAsync();
        var tracking = db.Services.GetRequiredService<TrackingStore>();
        var refills = db.Services.GetRequiredService<LiveRefillStore>();
        await tracking.TrackAsync("SPY");
        await tracking.TrackAsync("QQQ");

        var first = await refills.RecordAsync("SPY", TenOClock, null);
        await refills.RecordAsync("QQQ", null, null);
        var second = await refills.RecordAsync("SPY", TenOClock.AddMinutes(5), TenOClock.AddMinutes(7));

        var added = Assert.Single(first);
        Assert.Equal(new LiveRefill(added.Id, "SPY", TenOClock, null), added);
        Assert.Equal([(TenOClock.AddMinutes(5), (DateTimeOffset?)TenOClock.AddMinutes(7)), (TenOClock, null)], second.Select(r => (r.From!.Value, r.To)));
        Assert.Equal(added, second[1]);
        Assert.Equal(3, (await refills.ListAsync()).Count);

        // Clearing what a fill covered leaves the rest; clearing again changes nothing.
        Assert.Equal(1, await refills.ClearAsync([added.Id]));
        Assert.Equal(0, await refills.ClearAsync([added.Id]));
        Assert.Equal([second[0]], await refills.ListAsync("SPY"));
        Assert.Null(Assert.Single(await refills.ListAsync("QQQ")).From);
    }

    [Fact]
    public async Task A_refill_of_a_symbol_not_tracked_is_not_recorded_and_untracking_drops_those_pending()
    {
        await using var db = await StorageHost.CreateAsync();
        var tracking = db.Services.GetRequiredService<TrackingStore>();
        var refills = db.Services.GetRequiredService<LiveRefillStore>();
        await tracking.TrackAsync("SPY");
        await refills.RecordAsync("SPY", TenOClock, null);

        Assert.Empty(await refills.RecordAsync("IWM", TenOClock, null));
        await tracking.UntrackAsync("SPY");

        Assert.Empty(await refills.ListAsync());
    }
}
