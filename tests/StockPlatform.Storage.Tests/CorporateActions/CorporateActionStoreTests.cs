using Microsoft.Extensions.DependencyInjection;
using StockPlatform.MarketData.Alpaca.Rest;
using StockPlatform.Storage.CorporateActions;
using StockPlatform.Storage.Tests.Support;

namespace StockPlatform.Storage.Tests.CorporateActions;

public sealed class CorporateActionStoreTests : IAsyncLifetime
{
    private StorageHost _db = null!;

    public async Task InitializeAsync() => _db = await StorageHost.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private CorporateActionStore Store => _db.Services.GetRequiredService<CorporateActionStore>();

    private static StoredCorporateAction Split(string id, DateOnly exDate) =>
        new(id, "XYZ", CorporateActionTypes.ForwardSplit, exDate, exDate, 1m, 2m, null, null, 0.5m, 2m, """{"new_rate":2,"old_rate":1}""");

    [Fact]
    public async Task A_refresh_replaces_the_actions_of_its_window_and_records_when_it_ran()
    {
        var start = new DateOnly(2024, 1, 1);
        var end = new DateOnly(2024, 12, 31);
        await Store.ReplaceAsync(["XYZ"], start, end, [Split("a", new DateOnly(2024, 3, 1)), Split("b", new DateOnly(2024, 9, 1))]);
        await Store.ReplaceAsync(["XYZ"], start, end, [Split("b", new DateOnly(2024, 9, 2))]);

        var stored = await Store.GetAsync("XYZ");
        Assert.Equal(["b"], stored.Select(a => a.Id));
        Assert.Equal(new DateOnly(2024, 9, 2), stored[0].ExDate);
        Assert.Equal(0.5m, stored[0].PriceFactor);
        Assert.Contains("new_rate", stored[0].FieldsJson);

        var refresh = await Store.GetRefreshAsync("XYZ");
        Assert.Equal((start, end), (refresh!.Start, refresh.End));
        Assert.Null(await Store.GetRefreshAsync("ABC"));
    }

    [Fact]
    public async Task Actions_outside_the_refreshed_window_are_kept()
    {
        await Store.ReplaceAsync(["XYZ"], new DateOnly(2023, 1, 1), new DateOnly(2023, 12, 31), [Split("old", new DateOnly(2023, 5, 1))]);
        await Store.ReplaceAsync(["XYZ"], new DateOnly(2024, 1, 1), new DateOnly(2024, 12, 31), []);

        Assert.Equal(["old"], (await Store.GetAsync("XYZ")).Select(a => a.Id));
        var adjuster = await Store.GetAdjusterAsync("XYZ", AdjustmentMode.Split, new DateOnly(2024, 6, 1));
        Assert.Equal(0.5m, adjuster.FactorsFor(new DateOnly(2023, 4, 28)).Price);
    }
}
