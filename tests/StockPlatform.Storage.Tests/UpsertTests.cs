using Npgsql;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Tests.Support;
using static StockPlatform.Storage.Tests.Support.Minutes;

namespace StockPlatform.Storage.Tests;

public sealed class UpsertTests : IAsyncLifetime
{
    private static readonly Symbol Spy = Symbol.Parse("SPY");
    private static readonly Symbol Qqq = Symbol.Parse("QQQ");
    private static readonly DateTimeOffset Open = Ny(2024, 3, 6, 9, 30);

    private StorageHost _db = null!;

    public async Task InitializeAsync() => _db = await StorageHost.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    [Fact]
    public async Task The_same_batch_twice_inserts_once_and_then_changes_nothing()
    {
        var bars = Run(Open, 50);

        var first = await _db.Bars.UpsertAsync(Spy, "iex", bars);
        var writtenAt = await _db.ScalarAsync<DateTime>("SELECT max(updated_at) FROM bars_1m");
        var second = await _db.Bars.UpsertAsync(Spy, "iex", bars);

        Assert.Equal(new UpsertResult(50, 0, 0), first);
        Assert.Equal(new UpsertResult(0, 0, 50), second);
        Assert.Equal(50, await _db.CountBarsAsync());
        // Unchanged rows are not rewritten at all.
        Assert.Equal(writtenAt, await _db.ScalarAsync<DateTime>("SELECT max(updated_at) FROM bars_1m"));
        var coverage = Assert.Single(await _db.Bars.GetSymbolsAsync());
        Assert.Equal(50, coverage.BarCount);
    }

    [Fact]
    public async Task A_changed_bar_is_counted_as_corrected_and_read_back_with_its_new_values()
    {
        var bars = Run(Open, 10);
        await _db.Bars.UpsertAsync(Spy, "iex", bars);
        var corrected = bars.ToList();
        corrected[4] = bars[4] with { Close = bars[4].Low, Volume = 123_456 };

        var result = await _db.Bars.UpsertAsync(Spy, "sip", corrected);

        Assert.Equal(new UpsertResult(0, 1, 9), result);
        var read = await _db.Bars.GetBarsAsync(new BarQuery(Spy, BarInterval.OneMinute));
        Assert.Equal(10, read.Bars.Count);
        Assert.Equal(bars[4].Low, read.Bars[4].Close);
        Assert.Equal(123_456, read.Bars[4].Volume);
        Assert.Equal(bars[3].Close, read.Bars[3].Close);
        // Only the corrected row takes the new feed; the others were not touched.
        Assert.Equal(1L, await _db.ScalarAsync<long>("SELECT count(*) FROM bars_1m WHERE feed = 'sip'"));
        Assert.Equal(10, Assert.Single(await _db.Bars.GetSymbolsAsync()).BarCount);
    }

    [Fact]
    public async Task Duplicates_within_one_batch_keep_the_last()
    {
        List<Bar> batch = [At(Open, 100m), At(Open.AddMinutes(1), 100m), At(Open, 105m)];

        var result = await _db.Bars.UpsertAsync(Spy, "iex", batch);

        Assert.Equal(new UpsertResult(2, 0, 0), result);
        var read = await _db.Bars.GetBarsAsync(new BarQuery(Spy, BarInterval.OneMinute));
        Assert.Equal(new[] { 105m, 100m }, read.Bars.Select(b => b.Close));
    }

    [Theory]
    [InlineData("high below low", "high must be >= low")]
    [InlineData("negative volume", "volume must not be negative")]
    [InlineData("seconds in the timestamp", "timestamp must be on a whole minute")]
    public async Task A_batch_with_an_invalid_bar_is_refused_whole_and_nothing_from_it_is_written(string defect, string rule)
    {
        await _db.Bars.UpsertAsync(Spy, "iex", Run(Open, 5));
        var before = await _db.CountBarsAsync();
        var coverageBefore = await _db.Bars.GetSymbolsAsync();
        // Valid bars before and after the bad one, new and already stored ones alike.
        var batch = Run(Open.AddMinutes(3), 10, close: 200m);
        batch[7] = defect switch
        {
            "high below low" => batch[7] with { High = batch[7].Low - 1m },
            "negative volume" => batch[7] with { Volume = -1 },
            _ => batch[7] with { Timestamp = batch[7].Timestamp.AddSeconds(30) },
        };

        var error = await Assert.ThrowsAsync<BarValidationException>(() => _db.Bars.UpsertAsync(Spy, "iex", batch));

        Assert.Contains(rule, error.Message, StringComparison.Ordinal);
        Assert.Contains("bar 7 (SPY ", error.Message, StringComparison.Ordinal);
        Assert.Contains("nothing from this batch of 10 was written", error.Message, StringComparison.Ordinal);
        Assert.Equal(before, await _db.CountBarsAsync());
        // The stored bar the batch would have corrected keeps its value.
        Assert.Equal(100.03m, (await _db.Bars.GetBarsAsync(new BarQuery(Spy, BarInterval.OneMinute))).Bars[3].Close);
        Assert.Equal(coverageBefore, await _db.Bars.GetSymbolsAsync());
    }

    [Theory]
    [InlineData("open")]
    [InlineData("high")]
    [InlineData("low")]
    [InlineData("close")]
    [InlineData("vwap")]
    public async Task The_database_refuses_a_nan_price_written_around_the_store(string column)
    {
        // decimal has no NaN, so only SQL written by hand could try; the CHECK constraint is the guard.
        await _db.Schema.GetInfoAsync();
        var values = new Dictionary<string, string> { ["open"] = "100", ["high"] = "101", ["low"] = "99", ["close"] = "100", ["vwap"] = "100" };
        values[column] = "'NaN'";
        var sql = $"""
            INSERT INTO bars_1m (symbol, ts, open, high, low, close, volume, trade_count, vwap, feed)
            VALUES ('SPY', '2024-03-06T14:30:00Z', {values["open"]}, {values["high"]}, {values["low"]}, {values["close"]}, 10, 1, {values["vwap"]}, 'iex')
            """;

        var error = await Assert.ThrowsAsync<PostgresException>(() => _db.ExecuteAsync(sql));

        Assert.Equal(PostgresErrorCodes.CheckViolation, error.SqlState);
        Assert.Equal("bars_1m_prices_valid", error.ConstraintName);
        Assert.Equal(0, await _db.CountBarsAsync());
    }

    [Fact]
    public async Task Symbol_coverage_tracks_the_first_and_last_bar_and_the_count()
    {
        await _db.Bars.UpsertAsync(Spy, "iex", Run(Open, 10));
        var earlier = Ny(2024, 3, 5, 4, 0);
        var later = Ny(2024, 3, 7, 19, 59);
        await _db.Bars.UpsertAsync(Spy, "iex", Run(earlier, 5));
        // Two bars already stored (unchanged) and one new one at the end.
        await _db.Bars.UpsertAsync(Spy, "iex", [At(Open, 100m, 1_000), At(Open.AddMinutes(1), 100.01m, 1_001), At(later)]);
        await _db.Bars.UpsertAsync(Qqq, "iex", Run(Open, 4));
        await _db.Ledger.RecordAsync("SPY", "iex", new Dictionary<DateOnly, int> { [new(2024, 3, 5)] = 5, [new(2024, 3, 6)] = 10 });
        await _db.Ledger.RecordAsync("SPY", "sip", new Dictionary<DateOnly, int> { [new(2024, 3, 6)] = 10 });

        var symbols = await _db.Bars.GetSymbolsAsync();

        Assert.Equal(new[] { "QQQ", "SPY" }, symbols.Select(s => s.Symbol));
        var spy = symbols[1];
        Assert.Equal(earlier, spy.FirstBar);
        Assert.Equal(later, spy.LastBar);
        Assert.Equal(16, spy.BarCount);
        Assert.Equal(2, spy.SessionsFetched); // distinct dates over both feeds
        Assert.Equal(new SymbolCoverage("QQQ", Open, Open.AddMinutes(3), 4, 0), symbols[0]);
        Assert.Equal(await _db.CountBarsAsync(), symbols.Sum(s => s.BarCount));
    }

    [Fact]
    public async Task A_batch_of_several_symbols_is_written_and_counted_in_one_call()
    {
        var batch = Run(Open, 3).Select(bar => new SymbolBar(Spy, bar))
            .Concat(Run(Open, 2).Select(bar => new SymbolBar(Qqq, bar)))
            .ToList();

        var first = await _db.Bars.UpsertAsync(batch, "iex");
        batch[4] = batch[4] with { Bar = batch[4].Bar with { Volume = 7 } };
        var second = await _db.Bars.UpsertAsync(batch, "iex");

        Assert.Equal(new UpsertResult(5, 0, 0), first);
        Assert.Equal(new UpsertResult(0, 1, 4), second);
        Assert.Equal(new long[] { 2, 3 }, (await _db.Bars.GetSymbolsAsync()).Select(s => s.BarCount));
    }

    [Fact]
    public async Task New_minutes_around_stored_ones_are_merged_and_counted_exactly()
    {
        // The second batch spans stored minutes (every other one), so it cannot take the plain
        // COPY for new bars: the merge inserts the gaps and leaves the rest alone.
        var all = Run(Open, 40);
        await _db.Bars.UpsertAsync(Spy, "iex", [.. all.Where((_, i) => i % 2 == 0)]);

        var result = await _db.Bars.UpsertAsync(Spy, "iex", all);

        Assert.Equal(new UpsertResult(20, 0, 20), result);
        Assert.Equal(40, await _db.CountBarsAsync());
        Assert.Equal(40, Assert.Single(await _db.Bars.GetSymbolsAsync()).BarCount);
    }

    [Fact]
    public async Task Concurrent_writers_of_the_same_new_minutes_store_each_once_and_count_it_once()
    {
        // Both see an empty span and try the plain COPY; the unique key stops the later one,
        // which falls back to the merge and finds everything already there.
        var bars = Run(Open, 2_000);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Task.Run(() => _db.Bars.UpsertAsync(Spy, "iex", bars))));

        Assert.Equal(2_000, results.Sum(r => r.Inserted));
        Assert.All(results, r => Assert.Equal(0, r.Corrected));
        Assert.Equal(3 * 2_000, results.Sum(r => r.Unchanged));
        Assert.Equal(2_000, await _db.CountBarsAsync());
        Assert.Equal(2_000, Assert.Single(await _db.Bars.GetSymbolsAsync()).BarCount);
    }

    [Fact]
    public async Task An_empty_batch_does_nothing()
    {
        Assert.Equal(default(UpsertResult), await _db.Bars.UpsertAsync(Spy, "iex", []));
        Assert.Empty(await _db.Bars.GetSymbolsAsync());
    }
}
