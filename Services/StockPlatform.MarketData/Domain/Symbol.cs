using System.Diagnostics.CodeAnalysis;

namespace StockPlatform.MarketData.Domain;

/// <summary>
/// A ticker as Alpaca spells it: 1 to 12 characters, upper-case letters, digits, <c>.</c> (share
/// classes such as <c>BRK.B</c>) and <c>/</c> (crypto pairs). Anything else is refused up front,
/// so a typo never reaches Alpaca or the database.
/// </summary>
public readonly record struct Symbol
{
    /// <summary>Longest accepted ticker.</summary>
    public const int MaxLength = 12;

    /// <summary>The rule, phrased for error messages.</summary>
    public const string Rule = "1 to 12 characters: upper-case letters, digits, '.' or '/'";

    private Symbol(string value) => Value = value;

    /// <summary>The ticker text.</summary>
    public string Value { get; }

    /// <summary>Parses a ticker; throws <see cref="FormatException"/> naming the rule when it is not one.</summary>
    public static Symbol Parse(string? text) =>
        TryParse(text, out var symbol, out var error) ? symbol : throw new FormatException(error);

    /// <summary>Parses a ticker without throwing.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Symbol symbol) => TryParse(text, out symbol, out _);

    /// <summary>Parses a ticker; on failure <paramref name="error"/> says what is wrong.</summary>
    public static bool TryParse([NotNullWhen(true)] string? text, out Symbol symbol, [NotNullWhen(false)] out string? error)
    {
        symbol = default;
        if (string.IsNullOrEmpty(text))
        {
            error = $"symbol is empty; a symbol is {Rule}";
            return false;
        }
        if (text.Length > MaxLength)
        {
            error = $"symbol '{Truncate(text)}' is {text.Length} characters long; a symbol is {Rule}";
            return false;
        }
        foreach (var c in text)
        {
            if (c is (>= 'A' and <= 'Z') or (>= '0' and <= '9') or '.' or '/') continue;
            error = $"symbol '{text}' contains '{c}'; a symbol is {Rule}";
            return false;
        }
        symbol = new Symbol(text);
        error = null;
        return true;
    }

    /// <inheritdoc />
    public override string ToString() => Value ?? string.Empty;

    /// <summary>The ticker text.</summary>
    public static implicit operator string(Symbol symbol) => symbol.Value;

    private static string Truncate(string text) => text.Length <= 20 ? text : text[..20] + "…";
}
