using Npgsql;
using NpgsqlTypes;
using StockPlatform.MarketData.Calendar;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Storage.Calendar;

/// <summary>
/// Alpaca's trading calendar, stored. Every date of a stored range has a row (closed days with
/// <c>is_open = false</c>), so whether a range is known is a simple count.
/// </summary>
public sealed class CalendarStore(NpgsqlDataSource dataSource, StorageSchema schema, DbRetry retry)
{
    /// <summary>Stores the trading days Alpaca returned for [start, end]; the other dates of the range become closed days.</summary>
    public async Task SaveRangeAsync(DateOnly start, DateOnly end, IReadOnlyCollection<TradingDay> tradingDays, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        var byDate = tradingDays.ToDictionary(day => day.Date);
        var dates = new List<DateOnly>();
        for (var date = start; date <= end; date = date.AddDays(1)) dates.Add(date);

        await retry.ExecuteAsync(async token =>
        {
            await using var command = dataSource.CreateCommand("""
                INSERT INTO market_calendar (date, is_open, open, close, session_open, session_close, fetched_at)
                SELECT d, o IS NOT NULL, o, c, so, sc, now()
                FROM unnest(@dates, @opens, @closes, @sessionOpens, @sessionCloses) AS t(d, o, c, so, sc)
                ON CONFLICT (date) DO UPDATE SET is_open = EXCLUDED.is_open, open = EXCLUDED.open, close = EXCLUDED.close,
                    session_open = EXCLUDED.session_open, session_close = EXCLUDED.session_close, fetched_at = now()
                """);
            command.Parameters.Add(new NpgsqlParameter<DateOnly[]>("dates", NpgsqlDbType.Array | NpgsqlDbType.Date) { TypedValue = [.. dates] });
            command.Parameters.Add(Times("opens", dates, byDate, day => day.Open));
            command.Parameters.Add(Times("closes", dates, byDate, day => day.Close));
            command.Parameters.Add(Times("sessionOpens", dates, byDate, day => day.SessionOpen));
            command.Parameters.Add(Times("sessionCloses", dates, byDate, day => day.SessionClose));
            await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            return 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>True when every date of [start, end] is stored.</summary>
    public async Task<bool> CoversAsync(DateOnly start, DateOnly end, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        var expected = end.DayNumber - start.DayNumber + 1;
        var stored = await retry.ExecuteAsync(async token =>
        {
            await using var command = dataSource.CreateCommand("SELECT count(*) FROM market_calendar WHERE date BETWEEN @start AND @end");
            command.Parameters.AddWithValue("start", start);
            command.Parameters.AddWithValue("end", end);
            return (long)(await command.ExecuteScalarAsync(token).ConfigureAwait(false))!;
        }, cancellationToken).ConfigureAwait(false);
        return stored >= expected;
    }

    /// <summary>
    /// The trading days in [start, end], ascending. Dates not stored fall back to the NYSE rules,
    /// so bars can be aggregated by session even before the calendar was fetched.
    /// </summary>
    public async Task<IReadOnlyList<TradingDay>> GetTradingDaysAsync(DateOnly start, DateOnly end, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        var stored = await retry.ExecuteAsync(async token =>
        {
            var rows = new Dictionary<DateOnly, TradingDay?>();
            await using var command = dataSource.CreateCommand(
                "SELECT date, is_open, open, close, session_open, session_close FROM market_calendar WHERE date BETWEEN @start AND @end");
            command.Parameters.AddWithValue("start", start);
            command.Parameters.AddWithValue("end", end);
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                var date = reader.GetFieldValue<DateOnly>(0);
                rows[date] = reader.GetBoolean(1)
                    ? new TradingDay(date, reader.GetFieldValue<TimeOnly>(2), reader.GetFieldValue<TimeOnly>(3), reader.GetFieldValue<TimeOnly>(4), reader.GetFieldValue<TimeOnly>(5))
                    : null;
            }
            return rows;
        }, cancellationToken).ConfigureAwait(false);

        var days = new List<TradingDay>();
        for (var date = start; date <= end; date = date.AddDays(1))
        {
            var day = stored.TryGetValue(date, out var known) ? known : NyseCalendar.GetTradingDay(date);
            if (day is not null) days.Add(day);
        }
        return days;
    }

    // Closed days have no times: a typed array with null elements, which Npgsql sends as time[].
    private static NpgsqlParameter<TimeOnly?[]> Times(string name, List<DateOnly> dates, Dictionary<DateOnly, TradingDay> byDate, Func<TradingDay, TimeOnly> pick) =>
        new(name, NpgsqlDbType.Array | NpgsqlDbType.Time)
        {
            TypedValue = [.. dates.Select(date => byDate.TryGetValue(date, out var day) ? pick(day) : (TimeOnly?)null)],
        };
}
