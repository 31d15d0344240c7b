using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using NpgsqlTypes;
using StockPlatform.Bench.Support;
using StockPlatform.ServiceDefaults.Logging;
using StockPlatform.ServiceDefaults.Logging.Shipping;
using StockPlatform.Storage.Extensions;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Bench.Logs;

/// <summary>
/// The central log store's two costs, on each storage path, against baselines in the same run:
/// <list type="bullet">
/// <item>Throughput: N log calls through a service's own wiring (<c>AddStorage</c>: the Database
/// logger, the backlog, the shipper, <c>LogStore</c>'s COPY) until every record is a row, against
/// one raw binary COPY of the same records into a table like <c>logs</c> with its indexes (the
/// best any writer of that table does), and, for scale, without them. Goal: shipping at no less
/// than half the indexed raw COPY's rate, though the calls themselves share the cores.</item>
/// <item>The caller's cost: what one log call spends on the caller's thread to build and queue its
/// record, alone, against what the JSON console line costs to format for the same call (which the
/// console logger does on the caller's thread in every service already). Goal: within 1.5x of it.</item>
/// </list>
/// </summary>
internal static class LogShippingBenchmark
{
    private const double ThroughputGoal = 0.5;
    private const double CallerGoal = 1.5;
    private const string Category = "StockPlatform.Bench.Logs";

    public static async Task<int> RunAsync(string[] args)
    {
        var options = new Arguments(args);
        var records = options.Int("records", 200_000);
        Console.WriteLine($"records                   {records:N0} log calls (a template with 3 values, a symbol and stage scope)");
        var met = true;
        foreach (var path in await BenchDatabase.PathsAsync(options))
        {
            var result = await MeasureAsync(options, path, records);
            if (result is null) return 1;
            met &= result.Value;
        }
        return met ? 0 : 1;
    }

    private static async Task<bool?> MeasureAsync(Arguments options, StoragePath path, int records)
    {
        var name = BenchDatabase.Name(path);
        await using var db = await BenchDatabase.CreateAsync(options, path: path);
        await db.ExecuteAsync("CREATE TABLE copy_baseline (LIKE logs INCLUDING DEFAULTS INCLUDING IDENTITY); ALTER TABLE copy_baseline SET (autovacuum_enabled = false)");
        // The same table with logs' indexes: what any writer of an indexed log table pays.
        await db.ExecuteAsync("CREATE TABLE copy_indexed (LIKE logs INCLUDING ALL); ALTER TABLE copy_indexed SET (autovacuum_enabled = false)");

        // A service's wiring, started: the shipper runs in the background as it does in every agent.
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:stockplatform"] = db.ConnectionString,
            ["Storage:Timescale"] = path == StoragePath.Plain ? "off" : "on",
            ["Logging:Database:Capacity"] = (records * 2).ToString(System.Globalization.CultureInfo.InvariantCulture),
        });
        builder.AddStorage();
        using var host = builder.Build();
        await host.StartAsync();
        var logger = host.Services.GetRequiredService<ILoggerFactory>().CreateLogger(Category);

        // Warm-up: tiered JIT (tens of thousands of calls), the connection pool, the first COPYs;
        // and the console line's formatter likewise.
        for (var i = 0; i < 50_000; i++) Log(logger, i);
        await WaitForRowsAsync(db, 50_000, TimeSpan.FromSeconds(60));
        ConsoleLineCost(50_000);
        await db.ExecuteAsync("TRUNCATE logs");

        var shipping = Stopwatch.StartNew();
        for (var i = 0; i < records; i++) Log(logger, i);
        if (!await WaitForRowsAsync(db, records, TimeSpan.FromMinutes(5)))
        {
            Console.Error.WriteLine($"{name}: the shipper did not store {records:N0} rows within five minutes ({await CountAsync(db, "logs"):N0} stored)");
            return null;
        }
        shipping.Stop();
        await host.StopAsync();

        // The same rows, read back as shipped, in one raw COPY.
        var rows = await ReadBackAsync(db);
        var copy = Stopwatch.StartNew();
        await CopyAsync(db, rows, "copy_baseline");
        copy.Stop();
        var indexed = Stopwatch.StartNew();
        await CopyAsync(db, rows, "copy_indexed");
        indexed.Stop();
        if (await CountAsync(db, "copy_baseline") != records || await CountAsync(db, "copy_indexed") != records) return null;

        // The caller's cost alone (no shipper, no server on the same cores), against the console line's.
        var callerNs = DatabaseCallCost(records).TotalNanoseconds / records;
        var consoleNs = ConsoleLineCost(records).TotalNanoseconds / records;
        var shipRate = records / shipping.Elapsed.TotalSeconds;
        var copyRate = records / copy.Elapsed.TotalSeconds;
        var ratio = shipRate / copyRate;
        var indexedRatio = indexed.Elapsed / shipping.Elapsed;
        Console.WriteLine($"[{name}]");
        Console.WriteLine($"  raw COPY (baseline)     {copy.Elapsed.TotalSeconds,7:0.00} s  {copyRate,10:N0} rows/s");
        Console.WriteLine($"  raw COPY, logs' indexes {indexed.Elapsed.TotalSeconds,7:0.00} s  {records / indexed.Elapsed.TotalSeconds,10:N0} rows/s  ratio {copy.Elapsed / indexed.Elapsed:0.000}");
        Console.WriteLine($"  shipped, call to row    {shipping.Elapsed.TotalSeconds,7:0.00} s  {shipRate,10:N0} rows/s  ratio {ratio:0.000}, to the indexed COPY {indexedRatio:0.000} (goal >= {ThroughputGoal})");
        Console.WriteLine($"  console line (baseline) {consoleNs,7:0} ns a line, formatted");
        Console.WriteLine($"  log call, queued        {callerNs,7:0} ns a call on the caller's thread  ratio {callerNs / consoleNs:0.000} (goal <= {CallerGoal})");
        Console.WriteLine(JsonSerializer.Serialize(new
        {
            benchmark = "logs",
            path = name,
            records,
            copy_rows_per_second = Math.Round(copyRate),
            shipped_rows_per_second = Math.Round(shipRate),
            shipped_ratio_to_copy = Math.Round(ratio, 4),
            indexed_copy_rows_per_second = Math.Round(records / indexed.Elapsed.TotalSeconds),
            shipped_ratio_to_indexed_copy = Math.Round(indexedRatio, 4),
            console_line_ns = Math.Round(consoleNs),
            log_call_ns = Math.Round(callerNs),
            log_call_ratio_to_console_line = Math.Round(callerNs / consoleNs, 4),
            figures = new[]
            {
                BenchFigure.AtLeast("shipped, call to row", name, shipRate, "rows/s", "raw binary COPY into a table with logs' indexes", records / indexed.Elapsed.TotalSeconds, ThroughputGoal),
                BenchFigure.Shown("shipped, to the unindexed COPY", name, shipRate, "rows/s", "raw binary COPY into a table without indexes", copyRate),
                BenchFigure.AtMost("log call on the caller's thread", name, callerNs, "ns", "the JSON console line formatted for the same call", consoleNs, CallerGoal),
            },
        }));
        return indexedRatio >= ThroughputGoal && callerNs / consoleNs <= CallerGoal;
    }

    private static void Log(ILogger logger, int i)
    {
        using var scope = logger.BeginWorkScope(agent: "bench", symbol: "SPY", stage: "fetch");
        logger.LogInformation("Stored page {Page} of {Symbol}: {Bars} bars", i, "SPY", 10_000);
    }

    // The Database logger alone: the record built and queued on the caller's thread, nothing draining it.
    private static TimeSpan DatabaseCallCost(int records)
    {
        var backlog = new LogBacklog(records * 3);
        using var services = new ServiceCollection().BuildServiceProvider();
        using var provider = new DatabaseLoggerProvider(backlog, services, new HostingEnvironment { ApplicationName = "StockPlatform.Bench" });
        using var factory = LoggerFactory.Create(logging => logging.AddProvider(provider).SetMinimumLevel(LogLevel.Information));
        var logger = factory.CreateLogger(Category);
        for (var i = 0; i < records; i++) Log(logger, i); // warm-up
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < records; i++) Log(logger, i);
        return watch.Elapsed;
    }

    // The console's share of the same calls: the JSON line our formatter writes, off the caller's thread.
    private static TimeSpan ConsoleLineCost(int records)
    {
        var formatter = new JsonLineConsoleFormatter();
        var scopes = new LoggerExternalScopeProvider();
        using var writer = new StringWriter();
        var watch = Stopwatch.StartNew();
        for (var i = 0; i < records; i++)
        {
            using var scope = scopes.Push(new Dictionary<string, object?> { ["agent"] = "bench", ["symbol"] = "SPY", ["stage"] = "fetch" });
            var state = new Dictionary<string, object?> { ["Page"] = i, ["Symbol"] = "SPY", ["Bars"] = 10_000, ["{OriginalFormat}"] = "Stored page {Page} of {Symbol}: {Bars} bars" };
            formatter.Write(new LogEntry<Dictionary<string, object?>>(LogLevel.Information, Category, default, state, null,
                (s, _) => $"Stored page {s["Page"]} of {s["Symbol"]}: {s["Bars"]} bars"), scopes, writer);
            writer.GetStringBuilder().Clear();
        }
        return watch.Elapsed;
    }

    private static async Task<bool> WaitForRowsAsync(BenchDatabase db, long rows, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await CountAsync(db, "logs") >= rows) return true;
            await Task.Delay(20);
        }
        return false;
    }

    private static async Task<long> CountAsync(BenchDatabase db, string table)
    {
        await using var command = db.DataSource.CreateCommand($"SELECT count(*) FROM {table} WHERE category = '{Category}'");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private sealed record Row(DateTime Ts, short Level, string Agent, string? Instance, string Category, string? Symbol, string? Stage, string Message, string? Props);

    private static async Task<List<Row>> ReadBackAsync(BenchDatabase db)
    {
        var rows = new List<Row>();
        await using var command = db.DataSource.CreateCommand(
            $"SELECT ts, level, agent, instance, category, symbol, stage, message, props::text FROM logs WHERE category = '{Category}'");
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync())
        {
            rows.Add(new Row(reader.GetDateTime(0), reader.GetInt16(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetString(4),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6), reader.GetString(7), reader.IsDBNull(8) ? null : reader.GetString(8)));
        }
        return rows;
    }

    private static async Task CopyAsync(BenchDatabase db, List<Row> rows, string table)
    {
        await using var connection = await db.DataSource.OpenConnectionAsync();
        await using var importer = await connection.BeginBinaryImportAsync(
            $"COPY {table} (ts, level, agent, instance, category, symbol, stage, message, props) FROM STDIN (FORMAT BINARY)");
        foreach (var row in rows)
        {
            await importer.StartRowAsync();
            await importer.WriteAsync(row.Ts, NpgsqlDbType.TimestampTz);
            await importer.WriteAsync(row.Level, NpgsqlDbType.Smallint);
            await importer.WriteAsync(row.Agent, NpgsqlDbType.Text);
            await WriteAsync(importer, row.Instance);
            await importer.WriteAsync(row.Category, NpgsqlDbType.Text);
            await WriteAsync(importer, row.Symbol);
            await WriteAsync(importer, row.Stage);
            await importer.WriteAsync(row.Message, NpgsqlDbType.Text);
            if (row.Props is null) await importer.WriteNullAsync();
            else await importer.WriteAsync(row.Props, NpgsqlDbType.Jsonb);
        }
        await importer.CompleteAsync();
    }

    private static Task WriteAsync(Npgsql.NpgsqlBinaryImporter importer, string? value) =>
        value is null ? importer.WriteNullAsync() : importer.WriteAsync(value, NpgsqlDbType.Text);
}
