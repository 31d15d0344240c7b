using MassTransit;
using StockPlatform.Archive;
using StockPlatform.Archive.Catalog;
using StockPlatform.Contracts;
using StockPlatform.Features.Telemetry;
using StockPlatform.MarketData.Domain;
using StockPlatform.ServiceDefaults.Agents;
using StockPlatform.ServiceDefaults.Telemetry;
using StockPlatform.Storage.Calendar;

namespace StockPlatform.Features.Archiving;

/// <summary>
/// Archives the days of trades and quotes that <see cref="TicksIngested"/> events name: each
/// (symbol, dataset, day) once however many events repeat it, only once the day's session has
/// ended (the live stream's today waits for a later event), and not again when nothing new was
/// stored and the day already has its partition. Each partition written is announced with
/// <see cref="ArchiveWritten"/>.
/// </summary>
public sealed partial class IngestedTicksArchiver(
    TickArchiver archiver,
    ArchivePartitionStore partitions,
    CalendarStore calendar,
    IPublishEndpoint bus,
    AgentStatus status,
    TimeProvider time,
    ILogger<IngestedTicksArchiver> logger)
{
    /// <summary>Archives the days <paramref name="events"/> name; returns how many partitions were written.</summary>
    public async Task<int> ArchiveAsync(IEnumerable<TicksIngested> events, CancellationToken cancellationToken = default)
    {
        var days = events
            .GroupBy(e => (e.Symbol, e.Dataset, e.Session))
            .Select(g => (g.Key.Symbol, g.Key.Dataset, g.Key.Session, Rows: g.Sum(e => (long)e.Rows)))
            .OrderBy(d => d.Symbol, StringComparer.Ordinal).ThenBy(d => d.Dataset, StringComparer.Ordinal).ThenBy(d => d.Session)
            .ToList();
        var written = 0;
        foreach (var (name, dataset, session, rows) in days)
        {
            if (!Symbol.TryParse(name, out var symbol) || !TickArchiver.Datasets.Contains(dataset))
            {
                LogIgnored(name, dataset, session);
                continue;
            }
            if (!await HasEndedAsync(session, cancellationToken)) continue;
            if (rows == 0 && (await partitions.ListAsync(dataset, symbol.Value, session, cancellationToken)).Count > 0) continue;
            if (await ArchiveDayAsync(symbol, dataset, session, cancellationToken)) written++;
        }
        return written;
    }

    private async Task<bool> ArchiveDayAsync(Symbol symbol, string dataset, DateOnly session, CancellationToken cancellationToken)
    {
        var key = $"archive {dataset} {symbol.Value} {session:yyyy-MM-dd}";
        status.BeginTask(key, $"archiving {dataset} of {symbol.Value} {session:yyyy-MM-dd}");
        using var span = FeaturesTelemetry.StartArchive(symbol.Value, session, dataset);
        try
        {
            var written = await archiver.ArchiveAsync(dataset, symbol, session, cancellationToken);
            FeaturesTelemetry.TagWritten(span, written);
            if (written is null) return false;
            status.Count("partitions_archived");
            await bus.Publish(new ArchiveWritten(dataset, symbol.Value, session, written.Path, written.Rows, written.Bytes), cancellationToken);
            LogArchived(dataset, symbol.Value, session, written.Rows, written.Bytes);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            span.Fail(ex);
            throw;
        }
        finally
        {
            status.EndTask(key);
        }
    }

    private async Task<bool> HasEndedAsync(DateOnly session, CancellationToken cancellationToken) =>
        (await calendar.GetTradingDaysAsync(session, session, cancellationToken)).SingleOrDefault() is not { } day || day.SessionCloseUtc <= time.GetUtcNow();

    [LoggerMessage(Level = LogLevel.Information, Message = "Archived {Dataset} of {Symbol} {Session}: {Rows} rows, {Bytes} bytes")]
    private partial void LogArchived(string dataset, string symbol, DateOnly session, int rows, long bytes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a TicksIngested event for {Symbol} {Dataset} {Session}: the symbol does not parse or the dataset is neither trades nor quotes")]
    private partial void LogIgnored(string symbol, string dataset, DateOnly session);
}
