using System.Security.Cryptography;
using DuckDB.NET.Data;
using StockPlatform.Archive.Catalog;
using StockPlatform.Archive.Partitions;
using StockPlatform.Archive.Query;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Calendar;
using StockPlatform.Storage.Ticks;

namespace StockPlatform.Archive.Verification;

/// <summary>
/// How one archived partition compares with the hot store. <see cref="Status"/> is one of
/// <c>ok</c>, <c>archive-only</c> (the hot store no longer holds the session: retention),
/// <c>file-missing</c>, <c>checksum-mismatch</c>, <c>differs</c> (rows differ: <see cref="Detail"/> says how).
/// <see cref="Dataset"/> is <c>bars</c>, <c>trades</c> or <c>quotes</c>.
/// </summary>
public sealed record PartitionCheck(DateOnly Session, string Status, int ArchivedRows, int HotRows, string? Detail, string Dataset = SessionArchiver.BarsDataset);

/// <summary>The result of checking one symbol's archive against its hot store.</summary>
public sealed record ArchiveVerification(string Symbol, int Partitions, int Ok, int ArchiveOnly, int Problems, IReadOnlyList<PartitionCheck> Checks)
{
    public bool Consistent => Problems == 0;
}

/// <summary>
/// Compares a symbol's archived partitions with the hot store: the file is where the index says
/// and its SHA-256 is the one recorded; then bars row by row (DuckDB reads back exactly the stored
/// minutes), and trades and quotes by their <see cref="TickFingerprint"/> (count, first and last
/// instant, exact sums of every column: one aggregate on each side, where a liquid day row by row
/// would cost seconds).
/// </summary>
public sealed class ArchiveVerifier(ArchivePartitionStore partitions, ArchiveCatalog catalog, ArchiveLayout layout, BarStore bars, TickFingerprints ticks, CalendarStore calendar)
{
    /// <summary>The datasets <see cref="VerifyAsync"/> checks, in the order of its checks.</summary>
    public static readonly IReadOnlyList<string> Datasets = [SessionArchiver.BarsDataset, SessionArchiver.TradesDataset, SessionArchiver.QuotesDataset];

    /// <summary>Checks every partition of <paramref name="symbol"/> (bars, trades, quotes), by dataset and session.</summary>
    public Task<ArchiveVerification> VerifyAsync(Symbol symbol, CancellationToken cancellationToken = default) =>
        VerifyAsync(symbol, null, cancellationToken);

    /// <summary>Checks <paramref name="symbol"/>'s partitions of <paramref name="datasets"/> (all of <see cref="Datasets"/> when null), by dataset and session.</summary>
    public async Task<ArchiveVerification> VerifyAsync(Symbol symbol, IReadOnlyCollection<string>? datasets, CancellationToken cancellationToken = default)
    {
        var checks = new List<PartitionCheck>();
        foreach (var dataset in Datasets.Where(d => datasets is null || datasets.Contains(d)))
        {
            var recorded = await partitions.ListAsync(dataset, symbol.Value, cancellationToken: cancellationToken);
            if (recorded.Count == 0) continue;
            var days = dataset == SessionArchiver.BarsDataset
                ? (await calendar.GetTradingDaysAsync(recorded[0].Session, recorded[^1].Session, cancellationToken)).ToDictionary(day => day.Date)
                : [];
            await using var duck = await catalog.OpenSandboxedAsync(cancellationToken);
            // A month file holds ~20 sessions: hashed and read once for all of them.
            var files = new Dictionary<string, ArchivedFile>();
            foreach (var partition in recorded)
            {
                checks.Add(dataset == SessionArchiver.BarsDataset
                    ? await CheckAsync(symbol, partition, days.GetValueOrDefault(partition.Session), duck, files, cancellationToken)
                    : await CheckTicksAsync(symbol, partition, duck, cancellationToken));
            }
        }
        var ok = checks.Count(check => check.Status == "ok");
        var archiveOnly = checks.Count(check => check.Status == "archive-only");
        return new ArchiveVerification(symbol.Value, checks.Count, ok, archiveOnly, checks.Count - ok - archiveOnly, checks);
    }

    /// <summary>One partition compared with the hot store (<c>ok</c> when they hold the same minutes).</summary>
    public async Task<PartitionCheck> VerifyPartitionAsync(Symbol symbol, ArchivedPartition partition, CancellationToken cancellationToken = default)
    {
        var day = (await calendar.GetTradingDaysAsync(partition.Session, partition.Session, cancellationToken)).SingleOrDefault();
        await using var duck = await catalog.OpenSandboxedAsync(cancellationToken);
        return await CheckAsync(symbol, partition, day, duck, [], cancellationToken);
    }

    // A bars file's checksum and minutes by day, read once per verification (a damaged file is never parsed).
    private sealed class ArchivedFile(string sha256)
    {
        public string Sha256 { get; } = sha256;

        public Dictionary<DateOnly, List<StoredBar>>? ByDay { get; set; }
    }

    private async Task<PartitionCheck> CheckAsync(Symbol symbol, ArchivedPartition partition, TradingDay? day, DuckDBConnection duck, Dictionary<string, ArchivedFile> files, CancellationToken cancellationToken)
    {
        var path = Path.Combine(layout.Root, partition.Path);
        if (!files.TryGetValue(path, out var file))
        {
            if (!File.Exists(path)) return new(partition.Session, "file-missing", partition.Rows, 0, $"{partition.Path} is not on disk", partition.Dataset);
            files[path] = file = new ArchivedFile(await Sha256Async(path, cancellationToken));
        }
        if (file.Sha256 != partition.Sha256)
            return new(partition.Session, "checksum-mismatch", partition.Rows, 0, $"the file's SHA-256 is {file.Sha256}, the index recorded {partition.Sha256}", partition.Dataset);
        file.ByDay ??= await ArchivedMinutes.ReadByDayAsync(duck, [path], cancellationToken);

        // Only the session's own minutes: a month file holds its other sessions too.
        var archived = file.ByDay.GetValueOrDefault(partition.Session) ?? [];
        var hot = day is null ? [] : (await bars.GetBarsAsync(new BarQuery(symbol, BarInterval.OneMinute)
        {
            Start = day.SessionOpenUtc,
            End = day.SessionCloseUtc,
            Limit = BarStore.MaxLimit,
            Session = SessionFilter.Extended,
        }, cancellationToken)).Bars;
        if (hot.Count == 0 && archived.Count > 0) return new(partition.Session, "archive-only", archived.Count, 0, null);
        if (archived.Count != partition.Rows)
            return new(partition.Session, "differs", archived.Count, hot.Count, $"the file holds {archived.Count} rows, the index recorded {partition.Rows}");
        if (partition.RowsSha256 is { } recorded && SessionChecksum.Of(archived) is var checksum && checksum != recorded)
            return new(partition.Session, "differs", archived.Count, hot.Count, $"the session's rows in the file hash to {checksum}, the index recorded {recorded}");

        var difference = FirstDifference(archived, hot);
        return difference is null
            ? new(partition.Session, "ok", archived.Count, hot.Count, null)
            : new(partition.Session, "differs", archived.Count, hot.Count, difference);
    }

    // The file is where the index says, and unchanged since it was written.
    private static async Task<PartitionCheck?> CheckFileAsync(ArchivedPartition partition, string path, CancellationToken cancellationToken)
    {
        if (!File.Exists(path)) return new(partition.Session, "file-missing", partition.Rows, 0, $"{partition.Path} is not on disk", partition.Dataset);
        var sha = await Sha256Async(path, cancellationToken);
        return sha == partition.Sha256 ? null
            : new(partition.Session, "checksum-mismatch", partition.Rows, 0, $"the file's SHA-256 is {sha}, the index recorded {partition.Sha256}", partition.Dataset);
    }

    private static async Task<string> Sha256Async(string path, CancellationToken cancellationToken)
    {
        await using var file = File.OpenRead(path);
        return Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
    }

    private async Task<PartitionCheck> CheckTicksAsync(Symbol symbol, ArchivedPartition partition, DuckDBConnection duck, CancellationToken cancellationToken)
    {
        var path = Path.Combine(layout.Root, partition.Path);
        if (await CheckFileAsync(partition, path, cancellationToken) is { } damaged) return damaged;

        var trades = partition.Dataset == SessionArchiver.TradesDataset;
        TickFingerprint archived;
        await using (var command = duck.CreateCommand())
        {
            // The path is the archive's own (the index's), quoted as a SQL literal; the connection can read nothing else.
            command.CommandText = $"SELECT {(trades ? TickFingerprint.TradeColumns : TickFingerprint.QuoteColumns)} FROM read_parquet('{path.Replace("'", "''", StringComparison.Ordinal)}')";
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            await reader.ReadAsync(cancellationToken);
            archived = TickFingerprint.Read(reader);
        }
        var (start, end) = TickArchiver.DayOf(partition.Session);
        var hot = trades ? await ticks.TradesAsync(symbol, start, end, cancellationToken) : await ticks.QuotesAsync(symbol, start, end, cancellationToken);
        var (archivedRows, hotRows) = ((int)archived.Rows, (int)hot.Rows);
        if (archived.Rows != partition.Rows)
            return new(partition.Session, "differs", archivedRows, hotRows, $"the file holds {archived.Rows} rows, the index recorded {partition.Rows}", partition.Dataset);
        if (hot.Rows == 0 && archived.Rows > 0) return new(partition.Session, "archive-only", archivedRows, 0, null, partition.Dataset);
        return archived == hot
            ? new(partition.Session, "ok", archivedRows, hotRows, null, partition.Dataset)
            : new(partition.Session, "differs", archivedRows, hotRows, $"{Difference(archived, hot)} (changed since it was written: archive the session again)", partition.Dataset);
    }

    // The first measure of the fingerprint that differs, named as a column a reader can look up.
    private static string Difference(TickFingerprint archived, TickFingerprint hot) =>
        new (string Name, object? Archive, object? Hot)[]
        {
            ("rows", archived.Rows, hot.Rows),
            ("first ts", archived.First, hot.First),
            ("last ts", archived.Last, hot.Last),
            ("sum of ts_ns", archived.Nanoseconds, hot.Nanoseconds),
            ("sum of keys (trade_id or seq)", archived.Keys, hot.Keys),
            ("sum of sizes", archived.Sizes, hot.Sizes),
            ("sum of prices", archived.Prices, hot.Prices),
            ("count of conditions", archived.Conditions, hot.Conditions),
            ("exchange and tape codes", archived.Codes, hot.Codes),
        }.Where(m => !Equals(m.Archive, m.Hot)).Select(m => $"{m.Name}: archive {m.Archive}, hot store {m.Hot}").First();

    private static string? FirstDifference(IReadOnlyList<StoredBar> archived, IReadOnlyList<StoredBar> hot)
    {
        for (var i = 0; i < Math.Min(archived.Count, hot.Count); i++)
        {
            var (a, h) = (archived[i], hot[i] with { IsComplete = true });
            if (a != h) return $"first difference at {(a.Timestamp < h.Timestamp ? a.Timestamp : h.Timestamp):O}: archive {Describe(a)}, hot store {Describe(h)}";
        }
        return archived.Count == hot.Count ? null
            : $"the archive holds {archived.Count} minutes, the hot store {hot.Count} (corrections or new minutes since it was written: archive the session again)";
    }

    private static string Describe(StoredBar bar) =>
        $"{bar.Timestamp:HH:mm}Z o={bar.Open} h={bar.High} l={bar.Low} c={bar.Close} v={bar.Volume} n={bar.TradeCount} vwap={bar.Vwap}";
}
