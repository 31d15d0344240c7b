using StockPlatform.MarketData.Domain;

namespace StockPlatform.Frontend.Display;

/// <summary>
/// Tickers as typed into the ingest form (separated by commas, spaces or new lines), checked by
/// the same rule the gateway applies (<see cref="Symbol.TryParse(string?, out Symbol, out string?)"/>,
/// case-insensitive), so mistakes show while typing rather than after submitting.
/// </summary>
public sealed record TickerList(IReadOnlyList<string> Symbols, IReadOnlyList<string> Errors)
{
    /// <summary>Most symbols one job may name (the gateway's limit).</summary>
    public const int MaxSymbols = 1000;

    /// <summary>Valid when it names at least one symbol and every one is well formed.</summary>
    public bool IsValid => Symbols.Count > 0 && Errors.Count == 0;

    /// <summary>Parses <paramref name="text"/>: the distinct symbols in order, and one error per bad one.</summary>
    public static TickerList Parse(string? text)
    {
        var symbols = new List<string>();
        var errors = new List<string>();
        foreach (var word in (text ?? string.Empty).Split([',', ' ', ';', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries))
        {
            if (!Symbol.TryParse(word.ToUpperInvariant(), out var symbol, out var error)) errors.Add(error);
            else if (!symbols.Contains(symbol.Value)) symbols.Add(symbol.Value);
        }
        if (symbols.Count == 0 && errors.Count == 0) errors.Add("name at least one symbol, like SPY or SPY, QQQ, AAPL");
        if (symbols.Count > MaxSymbols) errors.Add($"at most {MaxSymbols} symbols per job ({symbols.Count} given); split the list over several jobs");
        return new TickerList(symbols, errors);
    }

    /// <summary>The form field's validation: null when valid, else every error on its own line.</summary>
    public static string? Validate(string? text) => Parse(text) is { IsValid: false } list ? string.Join("\n", list.Errors) : null;
}
