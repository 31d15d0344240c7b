using StockPlatform.Storage.Tests.Support;

namespace StockPlatform.Storage.Tests;

public sealed class LedgerTests : IAsyncLifetime
{
    private static readonly DateOnly Mon = new(2024, 3, 4);
    private static readonly DateOnly Tue = new(2024, 3, 5);
    private static readonly DateOnly Wed = new(2024, 3, 6);

    private StorageHost _db = null!;

    public async Task InitializeAsync() => _db = await StorageHost.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task Fetched_sessions_read_back_per_symbol_and_feed()
    {
        await _db.Ledger.RecordAsync("SPY", "iex", new Dictionary<DateOnly, int> { [Mon] = 390, [Tue] = 388 });
        await _db.Ledger.RecordAsync("SPY", "sip", new Dictionary<DateOnly, int> { [Wed] = 960 });
        await _db.Ledger.RecordAsync("QQQ", "iex", new Dictionary<DateOnly, int> { [Wed] = 400 });

        Assert.Equal(new[] { Mon, Tue }, await FetchedAsync("SPY", "iex", Mon, Wed));
        Assert.Equal(new[] { Wed }, await FetchedAsync("SPY", "sip", Mon, Wed));
        Assert.Equal(new[] { Wed }, await FetchedAsync("QQQ", "iex", Mon, Wed));
        Assert.Empty(await FetchedAsync("QQQ", "sip", Mon, Wed));
    }

    [Fact]
    public async Task Only_sessions_inside_the_range_are_returned()
    {
        await _db.Ledger.RecordAsync("SPY", "iex", new Dictionary<DateOnly, int> { [Mon] = 1, [Tue] = 2, [Wed] = 3 });

        Assert.Equal(new[] { Tue }, await FetchedAsync("SPY", "iex", Tue, Tue));
        Assert.Equal(new[] { Tue, Wed }, await FetchedAsync("SPY", "iex", Tue, Wed.AddDays(30)));
    }

    [Fact]
    public async Task Recording_a_session_again_keeps_one_row_with_the_new_count()
    {
        await _db.Ledger.RecordAsync("SPY", "iex", new Dictionary<DateOnly, int> { [Mon] = 380 });
        await _db.Ledger.RecordAsync("SPY", "iex", new Dictionary<DateOnly, int> { [Mon] = 390 });
        await _db.Ledger.RecordAsync("SPY", "iex", new Dictionary<DateOnly, int>()); // nothing to record

        Assert.Equal(1L, await _db.ScalarAsync<long>("SELECT count(*) FROM ingest_ledger"));
        Assert.Equal(390, await _db.ScalarAsync<int>("SELECT row_count FROM ingest_ledger"));
    }

    private async Task<List<DateOnly>> FetchedAsync(string symbol, string feed, DateOnly start, DateOnly end) =>
        [.. (await _db.Ledger.GetFetchedAsync(symbol, feed, start, end)).Order()];
}
