using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StockPlatform.ServiceDefaults.Logging.Shipping;
using StockPlatform.Storage.Logs;
using StockPlatform.Storage.Schema;
using StockPlatform.Storage.Tests.Support;

namespace StockPlatform.Storage.Tests;

/// <summary>The central log store on whichever path the run is on: writes, filtered newest-first reads with paging, the tail's reads, retention.</summary>
public sealed class LogStoreTests
{
    private static readonly DateTimeOffset Start = new(2024, 3, 4, 14, 30, 0, TimeSpan.Zero);
    private static readonly string[] Agents = ["gateway", "ingestion", "features"];
    private static readonly string?[] Symbols = ["SPY", "QQQ", null];

    private static LogRecord Record(int i, DateTimeOffset? at = null) => new(
        at ?? Start.AddSeconds(i / 3).AddTicks(i % 2 * 10), // three records a second, two of them at the same microsecond
        (LogLevel)(i % 6), Agents[i % 3], $"host-{i % 3}-ab12", $"StockPlatform.Test.Category{i % 2}", Symbols[i % 3 == 2 ? 2 : i % 2],
        i % 4 == 0 ? "fetch" : null, $"record {i} of the {(i % 5 == 0 ? "Timeout" : "batch")}", i % 2 == 0 ? $"{i:x32}" : null, i % 2 == 0 ? $"{i:x16}" : null,
        i % 7 == 0 ? "System.InvalidOperationException: boom" : null, i % 3 == 0 ? $$"""{"Number":{{i}},"ApiKey":"***"}""" : null);

    // The records are from 2024: kept by a long retention, or TimescaleDB's retention job (which runs
    // on its own schedule, the moment its policy is made among others) drops their chunks mid-test.
    private static readonly Dictionary<string, string?> KeepHistory = new() { ["Storage:LogRetention"] = "3650.00:00:00" };

    private static async Task<(StorageHost Db, LogStore Store)> CreateAsync(IDictionary<string, string?>? settings = null)
    {
        var db = await StorageHost.CreateAsync(settings: settings ?? KeepHistory);
        return (db, db.Services.GetRequiredService<LogStore>());
    }

    [Fact]
    public async Task A_batch_is_stored_with_every_field_and_read_back_newest_first()
    {
        var (db, store) = await CreateAsync();
        await using var _ = db;
        var records = Enumerable.Range(0, 30).Select(i => Record(i)).ToList();

        await store.WriteAsync(records, CancellationToken.None);
        var page = await store.QueryAsync(new LogQuery { Limit = 1000 });

        Assert.False(page.HasMore);
        var expected = records.OrderByDescending(r => r.Timestamp).ThenByDescending(r => Index(r)).ToList();
        Assert.Equal(expected.Select(r => r.Message), page.Logs.Select(l => l.Message));
        foreach (var (record, stored) in expected.Zip(page.Logs))
        {
            Assert.Equal(record.Timestamp, stored.Timestamp);
            Assert.Equal((record.Level, record.Agent, record.Instance, record.Category, record.Symbol, record.Stage),
                (stored.Level, stored.Agent, stored.Instance, stored.Category, stored.Symbol, stored.Stage));
            Assert.Equal((record.TraceId, record.SpanId, record.Exception), (stored.TraceId, stored.SpanId, stored.Exception));
            // jsonb keeps its own key order: the same properties, compared by name.
            Assert.Equal(Properties(record.Props), Properties(stored.Props));
        }
        // Ids ascend in the order records were written.
        Assert.Equal(records.Select(r => r.Message), page.Logs.OrderBy(l => l.Id).Select(l => l.Message));
    }

    private static SortedDictionary<string, string>? Properties(string? json) => json is null ? null
        : new(JsonDocument.Parse(json).RootElement.EnumerateObject().ToDictionary(p => p.Name, p => p.Value.GetRawText()), StringComparer.Ordinal);

    private static int Index(LogRecord record) => int.Parse(record.Message.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task Filters_combine_and_pages_resume_exactly_after_the_last_row()
    {
        var (db, store) = await CreateAsync();
        await using var _ = db;
        var records = Enumerable.Range(0, 600).Select(i => Record(i)).ToList();
        await store.WriteAsync(records[..300], CancellationToken.None);
        await store.WriteAsync(records[300..], CancellationToken.None);

        var queries = new (LogQuery Query, Func<LogRecord, bool> Matches)[]
        {
            (new LogQuery(), _ => true),
            (new LogQuery { Agent = "ingestion" }, r => r.Agent == "ingestion"),
            (new LogQuery { MinLevel = LogLevel.Warning }, r => r.Level >= LogLevel.Warning),
            (new LogQuery { Symbol = "SPY", MinLevel = LogLevel.Information }, r => r.Symbol == "SPY" && r.Level >= LogLevel.Information),
            (new LogQuery { Since = Start.AddSeconds(20), Until = Start.AddSeconds(90) }, r => r.Timestamp >= Start.AddSeconds(20) && r.Timestamp < Start.AddSeconds(90)),
            (new LogQuery { Text = "timeout", Agent = "gateway" }, r => r.Message.Contains("Timeout", StringComparison.Ordinal) && r.Agent == "gateway"),
            (new LogQuery { Agent = "nobody" }, _ => false),
        };
        foreach (var (query, matches) in queries)
        {
            var expected = records.Where(matches).OrderByDescending(r => r.Timestamp).ThenByDescending(Index).Select(r => r.Message).ToList();
            var read = new List<string>();
            var pages = 0;
            var paged = query with { Limit = 37 };
            while (true)
            {
                var page = await store.QueryAsync(paged);
                pages++;
                read.AddRange(page.Logs.Select(l => l.Message));
                Assert.True(page.Logs.Count <= 37);
                if (!page.HasMore) break;
                paged = paged with { Before = (page.Logs[^1].Timestamp, page.Logs[^1].Id) };
            }
            Assert.Equal(expected, read);
            Assert.Equal(Math.Max(1, (int)Math.Ceiling(expected.Count / 37.0)), pages);
        }
    }

    [Fact]
    public async Task The_text_search_ignores_case_and_takes_wildcards_and_backslashes_literally()
    {
        var (db, store) = await CreateAsync();
        await using var _ = db;
        string[] messages = ["50% done", "500 done", "a_b", "axb", @"C:\temp\file", "C:tempfile", "TIMEOUT reached", "timed out"];
        await store.WriteAsync([.. messages.Select((m, i) => Record(i) with { Message = m })], CancellationToken.None);

        async Task<string[]> Search(string text) => [.. (await store.QueryAsync(new LogQuery { Text = text })).Logs.Select(l => l.Message).Order(StringComparer.Ordinal)];

        Assert.Equal(["50% done"], await Search("0%"));
        Assert.Equal(["a_b"], await Search("_"));
        Assert.Equal([@"C:\temp\file"], await Search(@"\temp"));
        Assert.Equal(["TIMEOUT reached"], await Search("timeout"));
        Assert.Equal(["TIMEOUT reached", "timed out"], await Search("tim"));
    }

    [Fact]
    public async Task The_tail_reads_what_was_written_after_an_id_in_id_order()
    {
        var (db, store) = await CreateAsync();
        await using var _ = db;
        Assert.Equal(0, await store.LatestIdAsync());
        await store.WriteAsync([.. Enumerable.Range(0, 10).Select(i => Record(i))], CancellationToken.None);
        var latest = await store.LatestIdAsync();

        // Older timestamps written later (a backlog drained after an outage) still come after in id order.
        await store.WriteAsync([.. Enumerable.Range(10, 5).Select(i => Record(i, Start.AddDays(-1)))], CancellationToken.None);
        var after = await store.AfterIdAsync(latest, 3);
        var rest = await store.AfterIdAsync(after[^1].Id, 100);

        Assert.Equal(["record 10 of the Timeout", "record 11 of the batch", "record 12 of the batch"], after.Select(l => l.Message));
        Assert.Equal(["record 13 of the batch", "record 14 of the batch"], rest.Select(l => l.Message));
        Assert.Equal(rest[^1].Id, await store.LatestIdAsync());
        Assert.Empty(await store.AfterIdAsync(rest[^1].Id, 100));
    }

    [Fact]
    public async Task Text_postgresql_cannot_hold_is_stored_with_replacement_characters_instead_of_failing_the_batch()
    {
        var (db, store) = await CreateAsync();
        await using var _ = db;
        var odd = Record(1) with
        {
            Message = "nul\0inside and half an emoji \uD83D",
            Props = """{"Raw":"a\u0000b","Path":"C:\\u0000dir"}""",
        };

        await store.WriteAsync([Record(0), odd, Record(2)], CancellationToken.None);

        var stored = (await store.QueryAsync(new LogQuery())).Logs.OrderBy(l => l.Id).ToList();
        Assert.Equal(3, stored.Count);
        Assert.Equal("nul\uFFFDinside and half an emoji \uFFFD", stored[1].Message);
        using var props = JsonDocument.Parse(stored[1].Props!);
        Assert.Equal("a\uFFFDb", props.RootElement.GetProperty("Raw").GetString());
        // An escaped backslash followed by "u0000" is text, not an escape: kept as it was.
        Assert.Equal(@"C:\u0000dir", props.RootElement.GetProperty("Path").GetString());
    }

    [Fact]
    public async Task A_record_the_server_refuses_is_skipped_and_the_rest_of_its_batch_stored()
    {
        var (db, store) = await CreateAsync();
        await using var _ = db;
        // Not JSON: jsonb refuses it (the logger never ships such props; a writer must still cope).
        var refused = Record(1) with { Props = "{not json" };

        await store.WriteAsync([Record(0), refused, Record(2)], CancellationToken.None);

        Assert.Equal(["record 0 of the Timeout", "record 2 of the batch"], (await store.QueryAsync(new LogQuery())).Logs.OrderBy(l => l.Id).Select(l => l.Message));
        Assert.Contains(db.Logs.Messages(nameof(LogStore)), m => m.Contains("refused by the log store and skipped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Records_past_the_retention_go_by_a_sweep_on_plain_postgresql_and_by_the_chunk_policy_on_timescaledb()
    {
        var (db, store) = await CreateAsync(new Dictionary<string, string?> { ["Storage:LogRetention"] = "2.00:00:00", ["Storage:LogRetentionSweep"] = "00:00:01" });
        await using var _ = db;
        var now = DateTimeOffset.UtcNow;
        await store.WriteAsync([Record(0, now.AddDays(-5)), Record(1, now.AddDays(-3)), Record(2, now.AddDays(-1)), Record(3, now)], CancellationToken.None);
        var path = (await db.Schema.GetInfoAsync()).Path;

        var sweep = db.Services.GetServices<IHostedService>().OfType<LogRetentionService>().Single();
        await sweep.StartAsync(CancellationToken.None);
        try
        {
            if (path == StoragePath.Plain)
            {
                var deadline = DateTime.UtcNow.AddSeconds(20);
                while (await db.ScalarAsync<long>("SELECT count(*) FROM logs") > 2 && DateTime.UtcNow < deadline) await Task.Delay(100);
                Assert.Equal(["record 3 of the batch", "record 2 of the batch"], (await store.QueryAsync(new LogQuery())).Logs.Select(l => l.Message));
                Assert.Contains(db.Logs.Messages(nameof(LogRetentionService)), m => m.StartsWith("Deleted 2 log records older than 2 days", StringComparison.Ordinal));
            }
            else
            {
                // TimescaleDB drops whole chunks on its own schedule (its job may already have run):
                // the sweep leaves rows alone, the policy has the configured age, and running it
                // keeps what is younger.
                await Task.Delay(1500);
                Assert.Contains(await db.ScalarAsync<long>("SELECT count(*) FROM logs"), new long[] { 2, 3, 4 });
                Assert.Equal("2 days", await db.ScalarAsync<string>(
                    "SELECT config->>'drop_after' FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention' AND hypertable_name = 'logs'"));
                Assert.Equal(TimeSpan.FromDays(1), await db.ScalarAsync<TimeSpan>(
                    "SELECT time_interval FROM timescaledb_information.dimensions WHERE hypertable_name = 'logs'"));
                var job = await db.ScalarAsync<int>("SELECT job_id FROM timescaledb_information.jobs WHERE proc_name = 'policy_retention' AND hypertable_name = 'logs'");
                await db.ExecuteAsync($"CALL run_job({job})");
                var kept = (await store.QueryAsync(new LogQuery())).Logs.Select(l => Index(l)).ToList();
                Assert.DoesNotContain(0, kept);
                Assert.Contains(2, kept);
                Assert.Contains(3, kept);
            }
        }
        finally
        {
            await sweep.StopAsync(CancellationToken.None);
        }
    }

    private static int Index(StoredLog log) => int.Parse(log.Message.Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
}
