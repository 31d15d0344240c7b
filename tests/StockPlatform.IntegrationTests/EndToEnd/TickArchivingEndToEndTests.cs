using System.Text.Json;
using MassTransit;
using Microsoft.Extensions.DependencyInjection;
using StockPlatform.Contracts;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Calendar;
using StockPlatform.Storage.Ticks;

namespace StockPlatform.IntegrationTests.EndToEnd;

/// <summary>
/// The archiving trigger of trades and quotes across the real bus: <see cref="TicksIngested"/>
/// events, as the ingestion agent publishes them once a day is stored whole, reach the feature
/// agent (a process), which writes each ended day's partition once.
/// </summary>
public sealed class TickArchivingEndToEndTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private static readonly DateOnly[] Days = [new(2024, 3, 4), new(2024, 3, 5)];

    [Fact]
    public async Task The_feature_agent_archives_each_ended_day_that_ticks_ingested_names_once()
    {
        await using var stack = await PlatformStack.StartAsync();
        await stack.StartFeatureAgentAsync();
        var services = stack.Gateway.Services;
        var today = NewYorkTime.DateOf(DateTimeOffset.UtcNow);
        var future = today.AddDays(1);
        while (!NyseCalendar.GetTradingDays(future, future).Any()) future = future.AddDays(1);
        await services.GetRequiredService<CalendarStore>().SaveRangeAsync(new(2024, 3, 1), future, [.. NyseCalendar.GetTradingDays(new(2024, 3, 1), future)]);

        var spy = Symbol.Parse("SPY");
        var trades = services.GetRequiredService<TradeStore>();
        foreach (var day in Days)
        {
            var open = NewYorkTime.StartOfDay(day).AddHours(9.5);
            await trades.InsertAsync(spy, "sip", [.. Enumerable.Range(0, 1_000).Select(i => new Trade(NanoTime.From(open, i * 20_000_000_003L), i, "V", 510.1m + i % 9 * 0.01m, 10 + i, ["@"], "C"))]);
        }
        var quoteOpen = NewYorkTime.StartOfDay(Days[0]).AddHours(9.5);
        await services.GetRequiredService<QuoteStore>().InsertAsync(spy, "sip",
            [.. Enumerable.Range(0, 700).Select(i => new Quote(NanoTime.From(quoteOpen, i * 9_000_000_011L), "P", 510m, 1, "Q", 510.02m, 2, ["R"], "C"))]);

        // Each day as the ingestion agent announces it; the first day twice (a re-run job), a day whose session has not ended yet, a dataset the archive does not know.
        var bus = services.GetRequiredService<IBus>();
        await bus.Publish(new TicksIngested(null, "SPY", Days[0], "trades", 1_000));
        await bus.Publish(new TicksIngested(null, "SPY", Days[1], "trades", 1_000));
        await bus.Publish(new TicksIngested(null, "SPY", Days[0], "quotes", 700));
        await bus.Publish(new TicksIngested(Guid.NewGuid(), "SPY", Days[0], "trades", 0));
        await bus.Publish(new TicksIngested(null, "SPY", future, "trades", 5));
        await bus.Publish(new TicksIngested(null, "SPY", Days[0], "bars", 5));

        var written = await WaitForAsync(stack, list => list.Count == 3 ? list : null);
        Assert.Equal([("quotes", "2024-03-04", 700), ("trades", "2024-03-04", 1_000), ("trades", "2024-03-05", 1_000)],
            written.Select(p => (p.Dataset, p.Session, p.Rows)).Order());

        // A re-run that stored nothing new does not write the day again; a day with new rows does.
        var before = written.Single(p => p is { Dataset: "trades", Session: "2024-03-05" }).WrittenAt;
        await bus.Publish(new TicksIngested(null, "SPY", Days[0], "trades", 0));
        await bus.Publish(new TicksIngested(null, "SPY", Days[1], "trades", 1));
        var again = await WaitForAsync(stack, list => list.Single(p => p is { Dataset: "trades", Session: "2024-03-05" }).WrittenAt > before ? list : null);
        Assert.Equal(written.Single(p => p is { Dataset: "trades", Session: "2024-03-04" }).WrittenAt,
            again.Single(p => p is { Dataset: "trades", Session: "2024-03-04" }).WrittenAt);
        Assert.Equal(3, again.Count);
    }

    private sealed record Listed(string Dataset, string Session, int Rows, DateTime WrittenAt);

    private static async Task<List<Listed>> WaitForAsync(PlatformStack stack, Func<List<Listed>, List<Listed>?> until)
    {
        var deadline = DateTime.UtcNow + Patience;
        var seen = new List<Listed>();
        while (DateTime.UtcNow < deadline)
        {
            seen = [];
            foreach (var dataset in new[] { "trades", "quotes" })
            {
                var list = await stack.GetJsonAsync($"/archive/partitions?symbol=SPY&dataset={dataset}");
                seen.AddRange(list.GetProperty("partitions").EnumerateArray().Select(p => new Listed(p.GetProperty("dataset").GetString()!,
                    p.GetProperty("session").GetString()!, p.GetProperty("rows").GetInt32(), p.GetProperty("written_at").GetDateTime())));
            }
            if (until(seen) is { } done) return done;
            await Task.Delay(250);
        }
        throw new TimeoutException($"the partitions did not appear within {Patience.TotalSeconds} s; listed: {JsonSerializer.Serialize(seen)}");
    }
}
