using Microsoft.Extensions.Logging;
using StockPlatform.Archive.Catalog;
using StockPlatform.Archive.Verification;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Calendar;

namespace StockPlatform.Archive.Tiering;

/// <summary>What one pass of the retention did.</summary>
public sealed record RetentionResult(int SessionsDeleted, long MinutesDeleted, int SessionsKept);

/// <summary>
/// Keeps the hot store to its retention (<see cref="ArchiveOptions.HotRetentionDays"/>): a session
/// older than the cutoff leaves PostgreSQL only when its archived partition holds exactly the same
/// minutes (checked row by row just before), so nothing is ever lost; a session not archived, or
/// changed since, stays until the archive catches up.
/// </summary>
public sealed partial class HotStoreRetention(
    TieredBarReader tiers,
    ArchivePartitionStore partitions,
    ArchiveVerifier verifier,
    BarStore bars,
    CalendarStore calendar,
    ILogger<HotStoreRetention> logger)
{
    /// <summary>Deletes the verified archived sessions older than the cutoff; nothing without retention.</summary>
    public async Task<RetentionResult> ApplyAsync(CancellationToken cancellationToken = default)
    {
        if (tiers.Cutoff is not { } cutoff) return new(0, 0, 0);
        var before = NewYorkTime.DateOf(cutoff);
        int deleted = 0, kept = 0;
        long minutes = 0;
        // Only the sessions the hot store still holds past the cutoff: the rest left it before.
        var held = (await bars.GetSessionsBeforeAsync(cutoff, cancellationToken)).ToHashSet();
        if (held.Count == 0) return new(0, 0, 0);
        foreach (var partition in await partitions.ListAsync(SessionArchiver.BarsDataset, cancellationToken: cancellationToken))
        {
            if (partition.Session >= before || !held.Remove((partition.Symbol, partition.Session)) || !Symbol.TryParse(partition.Symbol, out var symbol)) continue;
            var check = await verifier.VerifyPartitionAsync(symbol, partition, cancellationToken);
            if (check.Status != "ok")
            {
                kept++;
                LogKept(partition.Symbol, partition.Session, check.Status, check.Detail);
                continue;
            }
            var day = (await calendar.GetTradingDaysAsync(partition.Session, partition.Session, cancellationToken)).Single();
            minutes += await bars.DeleteMinutesAsync(symbol, day.SessionOpenUtc, day.SessionCloseUtc, cancellationToken);
            deleted++;
        }
        // Sessions past the cutoff that were never archived stay too (the archive has no copy of them).
        kept += held.Count;
        if (deleted + kept > 0) LogApplied(deleted, minutes, kept, before);
        return new(deleted, minutes, kept);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Hot store retention: {Sessions} archived sessions before {Cutoff} deleted ({Minutes} minutes); {Kept} kept until they are archived and their archive agrees")]
    private partial void LogApplied(int sessions, long minutes, int kept, DateOnly cutoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Kept {Symbol} {Session} in the hot store: its archive is {Status} ({Detail})")]
    private partial void LogKept(string symbol, DateOnly session, string status, string? detail);
}
