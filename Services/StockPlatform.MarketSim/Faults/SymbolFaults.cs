using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim.Apis;
using StockPlatform.MarketSim.Options;

namespace StockPlatform.MarketSim.Faults;

/// <summary>The per-symbol faults of <see cref="FaultOptions.Symbols"/>, applied to bar, trade and quote requests (malformed data to bars only).</summary>
internal static class SymbolFaults
{
    /// <summary>The error to answer with, when a requested symbol's fault is an error and its date (if any) lies in the range.</summary>
    public static JsonHttpResult<ApiError>? ErrorFor(FaultOptions faults, IEnumerable<Symbol> symbols, DateTimeOffset start, DateTimeOffset end, string data = "bars")
    {
        foreach (var symbol in symbols)
        {
            if (Find(faults, symbol, start, end) is not { } kind) continue;
            switch (kind)
            {
                case "500": return ApiErrors.InternalError();
                case "403": return ApiErrors.Forbidden();
                case "422": return ApiErrors.Unprocessable($"cannot serve {data} for {symbol.Value}");
            }
        }
        return null;
    }

    /// <summary>The page with the bars of symbols faulted as malformed made impossible (high below low) on their date.</summary>
    public static void Corrupt(FaultOptions faults, IDictionary<string, List<Bar>> page, DateTimeOffset start, DateTimeOffset end)
    {
        foreach (var (symbol, bars) in page)
        {
            var fault = faults.Symbols.GetValueOrDefault(symbol);
            if (fault is null || !fault.StartsWith("malformed", StringComparison.Ordinal)) continue;
            var date = DateOf(fault);
            for (var i = 0; i < bars.Count; i++)
            {
                if (date is null || NewYorkTime.DateOf(bars[i].Timestamp) == date)
                    bars[i] = bars[i] with { High = bars[i].Low - 0.01m };
            }
        }
    }

    private static string? Find(FaultOptions faults, Symbol symbol, DateTimeOffset start, DateTimeOffset end)
    {
        if (!faults.Symbols.TryGetValue(symbol.Value, out var fault)) return null;
        var kind = fault.Split('@')[0];
        if (DateOf(fault) is not { } date) return kind;
        // Dates are New York's, as sessions are: an evening session's last bars are past UTC midnight.
        return NewYorkTime.DateOf(start) <= date && date <= NewYorkTime.DateOf(end) ? kind : null;
    }

    private static DateOnly? DateOf(string fault) =>
        fault.Split('@') is [_, var text] ? DateOnly.ParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null;
}
