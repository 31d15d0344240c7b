using System.Text.Json;
using StockPlatform.MarketData.Alpaca.Rest;
using StockPlatform.MarketData.Calendar;
using StockPlatform.Storage.CorporateActions;

namespace StockPlatform.Ingestion.CorporateActions;

/// <summary>
/// Turns Alpaca's corporate actions into stored ones with the factor each applies to the bars
/// before its ex-date (docs/market-data.md): a split old_rate / new_rate on prices and
/// new_rate / old_rate on volumes; a cash dividend 1 - rate / C on prices, C the raw SIP close of
/// the last trading day before the ex-date. Every other type is kept with no factor.
/// </summary>
internal static class CorporateActionFactors
{
    /// <summary>The stored form of <paramref name="action"/>, fetched for <paramref name="symbol"/>; <paramref name="referenceClose"/> is a dividend's C, when known.</summary>
    public static StoredCorporateAction ToStored(string symbol, CorporateAction action, decimal? referenceClose)
    {
        var (oldRate, newRate, rate) = (action.OldRate, action.NewRate, action.Rate);
        decimal? price = null, volume = null, reference = null;
        if (action.IsSplit)
        {
            if (oldRate > 0 && newRate > 0)
            {
                price = action.SplitFactor;
                volume = newRate.Value / oldRate.Value;
            }
        }
        else if (action.IsCashDividend && referenceClose > 0)
        {
            reference = referenceClose;
            // A dividend as large as the price would wipe the history out; leave such data unapplied.
            if (rate is { } cash && BarAdjuster.DividendFactor(cash, referenceClose.Value) is > 0m and var factor) price = factor;
        }
        // Alpaca gives every action an id; should one come without, its type, symbol and dates name it.
        var id = action.Id.Length > 0 ? action.Id : $"{action.Type}:{symbol}:{action.ExDate:yyyy-MM-dd}:{action.ProcessDate:yyyy-MM-dd}";
        return new StoredCorporateAction(id, symbol, action.Type, action.ExDate, action.ProcessDate, oldRate, newRate, rate, reference, price, volume,
            JsonSerializer.Serialize(action.Fields));
    }

    /// <summary>
    /// The trading day each ex-date's dividend takes its reference close from: the last one before
    /// it in <paramref name="calendar"/> (ascending), and only once its regular session has closed
    /// at <paramref name="now"/>, since a close still trading is not final.
    /// </summary>
    public static Dictionary<DateOnly, DateOnly> ReferenceDays(IEnumerable<DateOnly> exDates, IReadOnlyList<TradingDay> calendar, DateTimeOffset now)
    {
        var days = new Dictionary<DateOnly, DateOnly>();
        foreach (var exDate in exDates.Distinct())
        {
            var before = calendar.LastOrDefault(day => day.Date < exDate);
            if (before is not null && before.CloseUtc <= now) days[exDate] = before.Date;
        }
        return days;
    }
}
