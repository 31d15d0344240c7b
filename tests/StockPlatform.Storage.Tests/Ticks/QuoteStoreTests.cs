using Microsoft.Extensions.DependencyInjection;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Schema;
using StockPlatform.Storage.Tests.Support;
using StockPlatform.Storage.Ticks;

namespace StockPlatform.Storage.Tests.Ticks;

public sealed class QuoteStoreTests : IAsyncLifetime
{
    private static readonly Symbol Spy = Symbol.Parse("SPY");
    private static readonly DateTimeOffset Minute = new(2024, 3, 4, 14, 30, 0, TimeSpan.Zero);

    private StorageHost _db = null!;

    public async Task InitializeAsync() => _db = await StorageHost.CreateAsync();

    public async Task DisposeAsync() => await _db.DisposeAsync();

    private QuoteStore Quotes => _db.Services.GetRequiredService<QuoteStore>();

    // Every fifth quote shares its instant with the one before (as real quotes do).
    private static List<Quote> Make(int count)
    {
        var quotes = new List<Quote>(count);
        var time = NanoTime.From(Minute);
        for (var i = 0; i < count; i++)
        {
            if (i % 5 != 4) time = new NanoTime(time.UnixNanoseconds + 1_000_000_001 + i);
            quotes.Add(new Quote(time, "P", 99.99m + (i % 3 * 0.01m), 1 + (i % 4), "Q", 100.02m + (i % 2 * 0.01m), 2 + (i % 3), ["R"], "B"));
        }
        return quotes;
    }

    [Fact]
    public async Task Quotes_sharing_an_instant_are_all_kept_in_their_order_and_a_rerun_adds_none()
    {
        var quotes = Make(100);
        Assert.Equal(100, await Quotes.InsertAsync(Spy, "sip", quotes));
        Assert.Equal(0, await Quotes.InsertAsync(Spy, "sip", quotes));

        var read = await Quotes.ReadAsync(Spy, Minute, Minute.AddHours(1), 1000);
        Assert.Equal(quotes, read.Select(q => q.Quote));
        Assert.Equal(20, read.Count(q => q.Seq == 1));
    }

    [Fact]
    public async Task Pages_cut_inside_an_instant_store_the_same_rows_as_one_batch()
    {
        var quotes = Make(103);
        var pages = new QuotePages();
        // Pages of 9 cut several same-instant pairs apart.
        for (var i = 0; i < quotes.Count; i += 9)
            await Quotes.InsertAsync(Spy, "sip", pages.Take(quotes.Skip(i).Take(9).ToList()));
        await Quotes.InsertAsync(Spy, "sip", pages.Flush());

        Assert.Equal(0, await Quotes.InsertAsync(Spy, "sip", quotes));
        var read = await Quotes.ReadAsync(Spy, Minute, Minute.AddHours(1), 1000);
        Assert.Equal(quotes, read.Select(q => q.Quote));
    }

    [Fact]
    public async Task Paging_newest_first_returns_every_quote_once()
    {
        var quotes = Make(57);
        await Quotes.InsertAsync(Spy, "iex", quotes);

        var seen = new List<Quote>();
        StoredQuote? after = null;
        while ((await Quotes.ReadAsync(Spy, Minute, Minute.AddHours(1), 8, after, descending: true)) is { Count: > 0 } page)
        {
            seen.AddRange(page.Select(q => q.Quote));
            after = page[^1];
        }
        Assert.Equal(quotes.AsEnumerable().Reverse(), seen);
    }

    [TimescaleFact]
    public async Task On_TimescaleDB_quotes_compress_and_a_rerun_over_compressed_chunks_adds_nothing()
    {
        Assert.Equal(StoragePath.Timescale, (await _db.Schema.GetInfoAsync()).Path);
        var quotes = Make(500);
        await Quotes.InsertAsync(Spy, "sip", quotes);
        await _db.CompressAllChunksAsync("quotes");

        Assert.Equal(0, await Quotes.InsertAsync(Spy, "sip", quotes));
        Assert.Equal(500L, await _db.ScalarAsync<long>("SELECT count(*) FROM quotes"));
        Assert.Equal(quotes, (await Quotes.ReadAsync(Spy, Minute, Minute.AddHours(1), 1000)).Select(q => q.Quote));
    }
}
