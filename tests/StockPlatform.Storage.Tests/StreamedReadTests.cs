using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Tests.Support;
using static StockPlatform.Storage.Tests.Support.Minutes;

namespace StockPlatform.Storage.Tests;

/// <summary>A streamed read hands over exactly the page a whole read returns, on either storage path.</summary>
public sealed class StreamedReadTests
{
    private static readonly Symbol Spy = Symbol.Parse("SPY");

    public static TheoryData<string, int, bool, string?, int> Shapes => new()
    {
        // interval, limit, latest, session, start day offset
        { "1m", 10_000, false, "extended", 0 },
        { "1m", 100, false, "extended", 0 },
        { "1m", 10_000, false, "regular", 0 },
        { "1m", 250, false, "regular", 1 },
        { "1m", 50, true, "extended", 0 },
        { "5m", 10_000, false, null, 0 },
        { "5m", 40, false, "extended", 1 },
        { "15m", 30, true, null, 0 },
        { "1h", 10_000, false, "extended", 0 },
        { "1h", 7, false, "regular", 0 },
        { "1d", 10_000, false, null, 0 },
        { "1d", 2, false, "extended", 0 },
    };

    [Theory]
    [MemberData(nameof(Shapes))]
    public async Task A_streamed_read_hands_over_the_page_a_whole_read_returns(string interval, int limit, bool latest, string? session, int startDay)
    {
        await using var db = await StorageHost.CreateAsync();
        var days = Dates(new(2024, 3, 4), new(2024, 3, 8)).ToList();
        await db.Bars.UpsertAsync(Spy, "iex", days.SelectMany(d => Run(NewYorkTime.ToUtc(d, new TimeOnly(7, 0)), 600)).ToList());
        BarInterval.TryParse(interval, out var length);
        var query = new BarQuery(Spy, length)
        {
            Limit = limit,
            Latest = latest,
            Start = latest ? null : NewYorkTime.StartOfDay(days[startDay]),
            Session = session switch { "regular" => SessionFilter.Regular, "extended" => SessionFilter.Extended, _ => null },
        };

        var whole = await db.Bars.GetBarsAsync(query);
        var handed = new List<StoredBar>();
        var streamed = await db.Bars.StreamBarsAsync(query, bar => { handed.Add(bar); return ValueTask.CompletedTask; });

        Assert.NotEmpty(whole.Bars);
        Assert.Equal(whole.Bars, handed);
        Assert.Equal(whole.Bars.Count, streamed.Count);
        Assert.Equal(whole.HasMore, streamed.HasMore);
        Assert.Equal(whole.Bars[^1].Timestamp, streamed.Last);
    }

    [Fact]
    public async Task A_streamed_read_of_nothing_hands_over_nothing()
    {
        await using var db = await StorageHost.CreateAsync();
        await db.Bars.UpsertAsync(Spy, "iex", Run(Ny(2024, 3, 6, 9, 30), 3));
        var handed = 0;

        var missing = await db.Bars.StreamBarsAsync(new BarQuery(Symbol.Parse("QQQ"), BarInterval.OneMinute), _ => { handed++; return ValueTask.CompletedTask; });
        var after = await db.Bars.StreamBarsAsync(new BarQuery(Spy, BarInterval.OneMinute) { Start = Ny(2024, 3, 7, 9, 30) }, _ => { handed++; return ValueTask.CompletedTask; });

        Assert.Equal(new StreamedBars(0, null, false), missing);
        Assert.Equal(new StreamedBars(0, null, false), after);
        Assert.Equal(0, handed);
    }

    [Fact]
    public async Task A_writer_that_fails_midway_stops_the_read_without_handing_any_bar_over_twice()
    {
        await using var db = await StorageHost.CreateAsync();
        await db.Bars.UpsertAsync(Spy, "iex", Run(Ny(2024, 3, 6, 9, 30), 50));
        var handed = new List<DateTimeOffset>();

        var failure = await Assert.ThrowsAsync<BarReadInterruptedException>(() => db.Bars.StreamBarsAsync(
            new BarQuery(Spy, BarInterval.OneMinute) { Start = Ny(2024, 3, 6, 9, 30), Session = SessionFilter.Extended },
            bar =>
            {
                if (handed.Count == 20) throw new IOException("the client went away");
                handed.Add(bar.Timestamp);
                return ValueTask.CompletedTask;
            }));

        Assert.Equal(20, failure.HandedOver);
        Assert.IsType<IOException>(failure.InnerException);
        Assert.Equal(handed.Distinct().Count(), handed.Count);
        Assert.Equal(20, handed.Count);
    }
}
