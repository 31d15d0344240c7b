using System.Globalization;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;
using StockPlatform.MarketData.Calendar;

namespace StockPlatform.MarketSim.Apis;

/// <summary>
/// <c>GET /v2/calendar?start=YYYY-MM-DD&amp;end=YYYY-MM-DD[&amp;date_type=TRADING|SETTLEMENT]</c>:
/// the trading days from <see cref="NyseCalendar"/> as Alpaca's bare JSON array (times in New York).
/// On Alpaca this lives on the trading host; MarketSim serves it next to the data.
/// </summary>
internal static class CalendarApi
{
    public static IEndpointRouteBuilder MapCalendarApi(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v2").WithAlpacaPipeline().WithTags("Calendar");
        group.MapGet("/calendar", GetCalendar).WithName("GetCalendar");
        return app;
    }

    internal static Results<Ok<List<CalendarDay>>, JsonHttpResult<ApiError>> GetCalendar(HttpRequest request)
    {
        // Without a range the whole calendar MarketSim knows, as Alpaca returns its whole span.
        var start = new DateOnly(NyseCalendar.FirstYear, 1, 1);
        var end = new DateOnly(NyseCalendar.LastYear, 12, 31);
        if (request.Query["start"].ToString() is { Length: > 0 } startText && !TryParseDay(startText, out start))
            return ApiErrors.Unprocessable($"invalid start: '{startText}' is not YYYY-MM-DD");
        if (request.Query["end"].ToString() is { Length: > 0 } endText && !TryParseDay(endText, out end))
            return ApiErrors.Unprocessable($"invalid end: '{endText}' is not YYYY-MM-DD");

        var bySettlement = request.Query["date_type"].ToString().ToUpperInvariant() switch
        {
            "" or "TRADING" => false,
            "SETTLEMENT" => true,
            _ => (bool?)null,
        };
        if (bySettlement is null) return ApiErrors.Unprocessable("invalid date_type: must be TRADING or SETTLEMENT");

        var days = new List<CalendarDay>();
        if (end < start) return TypedResults.Ok(days);

        // Settlement dates trail trading dates by a day or more; widen the scan, then filter.
        var scanStart = bySettlement.Value ? start.AddDays(-10) : start;
        foreach (var day in NyseCalendar.GetTradingDays(scanStart, end))
        {
            var settlement = NextTradingDay(day.Date);
            var key = bySettlement.Value ? settlement : day.Date;
            if (key < start || key > end) continue;
            days.Add(new CalendarDay(
                Format(day.Date),
                day.Open.ToString("HH:mm", CultureInfo.InvariantCulture),
                day.Close.ToString("HH:mm", CultureInfo.InvariantCulture),
                day.SessionOpen.ToString("HHmm", CultureInfo.InvariantCulture),
                day.SessionClose.ToString("HHmm", CultureInfo.InvariantCulture),
                Format(settlement)));
        }
        return TypedResults.Ok(days);
    }

    // Alpaca's calendar takes dates; a full RFC 3339 timestamp is read for its date.
    private static bool TryParseDay(string text, out DateOnly date)
    {
        if (QueryParsing.TryParseDate(text, out date)) return true;
        if (!QueryParsing.TryParseInstant(text, isEnd: false, out var instant)) return false;
        date = DateOnly.FromDateTime(instant.UtcDateTime);
        return true;
    }

    // T+1: US equities settle on the next business day (since May 2024; one rule keeps it simple).
    private static DateOnly NextTradingDay(DateOnly date)
    {
        do date = date.AddDays(1);
        while (!NyseCalendar.IsTradingDay(date));
        return date;
    }

    private static string Format(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>One element of the calendar array.</summary>
    internal sealed record CalendarDay(
        [property: JsonPropertyName("date")] string Date,
        [property: JsonPropertyName("open")] string Open,
        [property: JsonPropertyName("close")] string Close,
        [property: JsonPropertyName("session_open")] string SessionOpen,
        [property: JsonPropertyName("session_close")] string SessionClose,
        [property: JsonPropertyName("settlement_date")] string SettlementDate);
}
