using Microsoft.Extensions.DependencyInjection;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Schema;
using StockPlatform.Storage.Tests.Support;
using StockPlatform.Storage.Ticks;

namespace StockPlatform.Storage.Tests.Ticks;

public sealed class TradeStoreTests : IAsyncLifetime
{
    private static readonly Symbol Spy = Symbol.Parse("SPY");
    private static readonly DateTimeOffset Minute = new(2024, 3, 4, 14, 30, 0, TimeSpan.Zero);

    private StorageHost _db = null!;

    public async Task InitializeAsync() => _db = await StorageHost.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private TradeStore Trades => _db.Services.GetRequiredService<TradeStore>();

    // n trades spread over a few minutes, with nanosecond stamps and the odd shared microsecond.
    private static List<Trade> Make(int count, int firstId = 1) =>
        [.. Enumerable.Range(0, count).Select(i => new Trade(
            NanoTime.From(Minute, (i * 7_000_000_123L) + (i % 3)), firstId + i, i % 2 == 0 ? "V" : "Q",
            100m + (i % 17 * 0.01m), 10 + (i % 5), i % 4 == 0 ? ["@", "F"] : ["@"], "B"))];

    [Fact]
    public async Task Trades_read_back_exactly_with_their_nanoseconds_and_conditions()
    {
        var trades = Make(50);
        Assert.Equal(50, await Trades.InsertAsync(Spy, "sip", trades));

        var read = await Trades.ReadAsync(Spy, Minute, Minute.AddHours(1), 1000);
        Assert.Equal(trades, read);
        Assert.Equal(trades[1].Time.ToString(), read[1].Time.ToString());
    }

    [Fact]
    public async Task The_same_trades_twice_or_overlapping_are_stored_once()
    {
        var trades = Make(200);
        Assert.Equal(120, await Trades.InsertAsync(Spy, "sip", trades[..120]));
        Assert.Equal(80, await Trades.InsertAsync(Spy, "sip", trades[60..]));
        Assert.Equal(0, await Trades.InsertAsync(Spy, "sip", trades));

        Assert.Equal(200L, await _db.ScalarAsync<long>("SELECT count(*) FROM trades"));
        Assert.Equal(trades, await Trades.ReadAsync(Spy, Minute, Minute.AddHours(1), 1000));
    }

    [Fact]
    public async Task Paging_in_either_direction_returns_every_trade_once()
    {
        var trades = Make(95);
        await Trades.InsertAsync(Spy, "iex", trades);

        foreach (var descending in new[] { false, true })
        {
            var seen = new List<Trade>();
            Trade? after = null;
            while (true)
            {
                var page = await Trades.ReadAsync(Spy, Minute, Minute.AddHours(1), 10, after, descending);
                if (page.Count == 0) break;
                seen.AddRange(page);
                after = page[^1];
            }
            Assert.Equal(descending ? trades.AsEnumerable().Reverse() : trades, seen);
        }
    }

    [Fact]
    public async Task A_batch_with_an_invalid_trade_writes_nothing()
    {
        await _db.Schema.GetInfoAsync();
        var trades = Make(10);
        trades[5] = trades[5] with { Price = -1m };

        var error = await Assert.ThrowsAsync<BarValidationException>(() => Trades.InsertAsync(Spy, "sip", trades));
        Assert.Contains("trade 5", error.Message);
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM trades"));
    }

    [Fact]
    public async Task Stored_trades_aggregate_into_the_minute_bars_they_make()
    {
        var at = Minute.AddMinutes(1);
        Trade T(int second, long id, decimal price, long size) => new(NanoTime.From(at.AddSeconds(second), 5), id, "V", price, size, ["@"], "B");
        await Trades.InsertAsync(Spy, "iex", [T(1, 1, 10.00m, 100), T(20, 2, 10.50m, 50), T(30, 3, 9.75m, 25), T(59, 4, 10.10m, 25), T(61, 5, 11m, 3)]);

        var bars = await Trades.AggregateMinutesAsync(Spy, at, at.AddMinutes(2));

        var vwap = Math.Round(((10.00m * 100) + (10.50m * 50) + (9.75m * 25) + (10.10m * 25)) / 200, 6, MidpointRounding.AwayFromZero);
        Assert.Equal([new Bar(at, 10.00m, 10.50m, 9.75m, 10.10m, 200, 4, vwap), new Bar(at.AddMinutes(1), 11m, 11m, 11m, 11m, 3, 1, 11m)], bars);
    }

    [TimescaleFact]
    public async Task On_TimescaleDB_trades_are_a_hypertable_and_a_rerun_over_compressed_chunks_adds_nothing()
    {
        Assert.Equal(StoragePath.Timescale, (await _db.Schema.GetInfoAsync()).Path);
        var trades = Make(300);
        await Trades.InsertAsync(Spy, "sip", trades);
        await _db.CompressAllChunksAsync("trades");
        Assert.True(await _db.ScalarAsync<long>("SELECT count(*) FROM timescaledb_information.chunks WHERE hypertable_name = 'trades' AND is_compressed") > 0);

        Assert.Equal(0, await Trades.InsertAsync(Spy, "sip", trades));
        Assert.Equal(1, await Trades.InsertAsync(Spy, "sip", [.. trades, .. Make(1, firstId: 1000)]));
        Assert.Equal(301L, await _db.ScalarAsync<long>("SELECT count(*) FROM trades"));
    }
}
