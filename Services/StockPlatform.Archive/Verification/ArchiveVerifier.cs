using System.Security.Cryptography;
using DuckDB.NET.Data;
using StockPlatform.Archive.Catalog;
using StockPlatform.Archive.Partitions;
using StockPlatform.Archive.Query;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Calendar;

namespace StockPlatform.Archive.Verification;

/// <summary>
/// How one archived partition compares with the hot store. <see cref="Status"/> is one of
/// <c>ok</c>, <c>archive-only</c> (the hot store no longer holds the session: retention),
/// <c>file-missing</c>, <c>checksum-mismatch</c>, <c>differs</c> (rows differ: <see cref="Detail"/> says how).
/// </summary>
public sealed record PartitionCheck(DateOnly Session, string Status, int ArchivedRows, int HotRows, string? Detail);

/// <summary>The result of checking one symbol's archive against its hot store.</summary>
public sealed record ArchiveVerification(string Symbol, int Partitions, int Ok, int ArchiveOnly, int Problems, IReadOnlyList<PartitionCheck> Checks)
{
    public bool Consistent => Problems == 0;
}

/// <summary>
/// Compares a symbol's archived bar partitions with the hot store, row by row: the file is where
/// the index says, its SHA-256 is the one recorded, DuckDB reads back exactly the stored minutes.
/// </summary>
public sealed class ArchiveVerifier(ArchivePartitionStore partitions, ArchiveCatalog catalog, ArchiveLayout layout, BarStore bars, CalendarStore calendar)
{
    public async Task<ArchiveVerification> VerifyAsync(Symbol symbol, CancellationToken cancellationToken = default)
    {
        var recorded = await partitions.ListAsync(SessionArchiver.BarsDataset, symbol.Value, cancellationToken: cancellationToken);
        var checks = new List<PartitionCheck>(recorded.Count);
        if (recorded.Count > 0)
        {
            var days = (await calendar.GetTradingDaysAsync(recorded[0].Session, recorded[^1].Session, cancellationToken)).ToDictionary(day => day.Date);
            await using var duck = await catalog.OpenSandboxedAsync(cancellationToken);
            foreach (var partition in recorded)
                checks.Add(await CheckAsync(symbol, partition, days.GetValueOrDefault(partition.Session), duck, cancellationToken));
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
        return await CheckAsync(symbol, partition, day, duck, cancellationToken);
    }

    private async Task<PartitionCheck> CheckAsync(Symbol symbol, ArchivedPartition partition, TradingDay? day, DuckDBConnection duck, CancellationToken cancellationToken)
    {
        var path = Path.Combine(layout.Root, partition.Path);
        if (!File.Exists(path)) return new(partition.Session, "file-missing", partition.Rows, 0, $"{partition.Path} is not on disk");
        await using (var file = File.OpenRead(path))
        {
            var sha = Convert.ToHexStringLower(await SHA256.HashDataAsync(file, cancellationToken));
            if (sha != partition.Sha256) return new(partition.Session, "checksum-mismatch", partition.Rows, 0, $"the file's SHA-256 is {sha}, the index recorded {partition.Sha256}");
        }

        var archived = (await ArchivedMinutes.ReadByDayAsync(duck, [path], cancellationToken)).Values.SelectMany(day => day).ToList();
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

        var difference = FirstDifference(archived, hot);
        return difference is null
            ? new(partition.Session, "ok", archived.Count, hot.Count, null)
            : new(partition.Session, "differs", archived.Count, hot.Count, difference);
    }

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
