using System.Globalization;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.Gateway.Apis;

/// <summary>Reads the query-string values the API shares; each failure is reported on the parameter's name.</summary>
internal static class RequestParsing
{
    /// <summary>The earliest date any parameter takes (long before any market data Alpaca has).</summary>
    public static readonly DateOnly MinDate = new(1970, 1, 1);

    /// <summary>The latest date any parameter takes (far enough for "until the end of time" reads, near enough for date arithmetic).</summary>
    public static readonly DateOnly MaxDate = new(2199, 12, 31);

    private static string Bounds => $"between {MinDate:yyyy-MM-dd} and {MaxDate:yyyy-MM-dd}";

    /// <summary>Tickers are matched case-insensitively ("spy" is SPY) and must then be valid.</summary>
    public static Symbol? Symbol(string? text, ApiProblems problems, string parameter = "symbol")
    {
        var normalized = text?.Trim().ToUpperInvariant();
        if (MarketData.Domain.Symbol.TryParse(normalized, out var symbol, out var error)) return symbol;
        problems.Add(parameter, error);
        return null;
    }

    /// <summary>
    /// A list of tickers, 1 to <paramref name="max"/>, duplicates dropped, order kept. A bad one is
    /// reported under <paramref name="parameter"/>, or under <c>parameter[i]</c> when <paramref name="indexed"/>
    /// (a JSON array, where the position says which). <paramref name="example"/> shows a good list,
    /// <paramref name="limitHint"/> what the limit is per.
    /// </summary>
    public static List<Symbol> Symbols(IReadOnlyList<string?>? names, string parameter, int max, string example, string limitHint, bool indexed, ApiProblems problems)
    {
        var symbols = new List<Symbol>();
        if (names is not { Count: > 0 }) problems.Add(parameter, $"name at least one symbol, like {example}.");
        else if (names.Count > max) problems.Add(parameter, $"at most {max} symbols {limitHint}.");
        else
        {
            for (var i = 0; i < names.Count; i++)
            {
                if (Symbol(names[i], problems, indexed ? $"{parameter}[{i}]" : parameter) is { } ticker && !symbols.Contains(ticker)) symbols.Add(ticker);
            }
        }
        return symbols;
    }

    /// <summary>A <c>YYYY-MM-DD</c> date, or <paramref name="fallback"/> when absent.</summary>
    public static DateOnly? Date(string? text, string parameter, DateOnly fallback, ApiProblems problems)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (DateOnly.TryParseExact(text.Trim(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return InBounds(date, parameter, $"{date:yyyy-MM-dd}", "dates", problems) ? date : null;
        problems.Add(parameter, $"'{Shorten(text)}' is not a date; use YYYY-MM-DD.");
        return null;
    }

    /// <summary>
    /// A range bound given as a date (a whole New York trading date) or an RFC 3339 time.
    /// Returned as an instant: a start is inclusive; an end is turned exclusive, so a date end
    /// includes that whole day and a time end includes a bar starting exactly then (one
    /// microsecond later: PostgreSQL keeps microseconds, so a tick would round away).
    /// </summary>
    public static DateTimeOffset? Instant(string? text, string parameter, bool isEnd, ApiProblems problems)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
            return InBounds(date, parameter, $"{date:yyyy-MM-dd}", "dates", problems) ? NewYorkTime.StartOfDay(isEnd ? date.AddDays(1) : date) : null;
        if (text.Contains('T', StringComparison.Ordinal)
            && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var instant))
            return InBounds(DateOnly.FromDateTime(instant.UtcDateTime), parameter, $"{instant:O}", "times", problems) ? (isEnd ? instant.AddMicroseconds(1) : instant) : null;
        problems.Add(parameter, $"'{Shorten(text)}' is neither a date (YYYY-MM-DD) nor an RFC 3339 time (2024-01-02T14:30:00Z).");
        return null;
    }

    /// <summary>
    /// A range bound of trades or quotes, to the nanosecond and inclusive either way (as Alpaca's):
    /// a date (a start from the first nanosecond of that New York day, an end to its last) or an
    /// RFC 3339 time with up to nine fraction digits.
    /// </summary>
    public static NanoTime? NanoInstant(string? text, string parameter, bool isEnd, ApiProblems problems)
    {
        if (string.IsNullOrWhiteSpace(text)) return null;
        text = text.Trim();
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            if (!InBounds(date, parameter, $"{date:yyyy-MM-dd}", "dates", problems)) return null;
            return isEnd ? NanoTime.From(NewYorkTime.StartOfDay(date.AddDays(1)), -1) : NanoTime.From(NewYorkTime.StartOfDay(date));
        }
        // The date part first: NanoTime counts nanoseconds in a long, which a year like 9999 would overflow.
        if (text.Contains('T', StringComparison.Ordinal) && text.Length > 10
            && DateOnly.TryParseExact(text.AsSpan(0, 10), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var day))
        {
            if (!InBounds(day, parameter, Shorten(text), "times", problems)) return null;
            // Other RFC 3339 forms (no seconds, no zone) through DateTimeOffset, but never more than nine fraction digits, which it would round.
            var dot = text.IndexOf('.', StringComparison.Ordinal);
            var digits = dot < 0 ? 0 : text.AsSpan(dot + 1).IndexOfAnyExceptInRange('0', '9') is var n and >= 0 ? n : text.Length - dot - 1;
            NanoTime? instant = NanoTime.TryParse(text, out var exact) ? exact
                : digits <= 9 && DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal, out var coarse)
                    ? NanoTime.From(coarse) : null;
            if (instant is { } at)
                return InBounds(DateOnly.FromDateTime(at.Microsecond.UtcDateTime), parameter, at.ToString(), "times", problems) ? at : null;
        }
        problems.Add(parameter, $"'{Shorten(text)}' is neither a date (YYYY-MM-DD) nor an RFC 3339 time with at most nine fraction digits (2024-01-02T14:30:00.123456789Z).");
        return null;
    }

    // Every date and time parameter shares one range, so date arithmetic can never overflow.
    private static bool InBounds(DateOnly date, string parameter, string shown, string what, ApiProblems problems)
    {
        if (date >= MinDate && date <= MaxDate) return true;
        problems.Add(parameter, $"{shown} is out of range; {what} must be {Bounds}.");
        return false;
    }

    /// <summary>An integer within [min, max], or <paramref name="fallback"/> when absent.</summary>
    public static int? Int(string? text, string parameter, int fallback, int min, int max, ApiProblems problems)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var value) && value >= min && value <= max) return value;
        problems.Add(parameter, $"'{Shorten(text)}' is not a whole number from {min} to {max}.");
        return null;
    }

    /// <summary>One of the allowed words (case-insensitive), or <paramref name="fallback"/> when absent.</summary>
    public static string? OneOf(string? text, string parameter, string? fallback, ApiProblems problems, params string[] allowed)
    {
        if (string.IsNullOrWhiteSpace(text)) return fallback;
        var value = text.Trim().ToLowerInvariant();
        if (allowed.Contains(value)) return value;
        problems.Add(parameter, $"'{Shorten(text)}' is not one of: {string.Join(", ", allowed)}.");
        return null;
    }

    /// <summary>A client's text as an error message quotes it: at most 40 characters, so a huge value is not echoed back whole.</summary>
    public static string Shorten(string text) => text.Length <= 40 ? text : text[..40] + "…";

    /// <summary>The media type of CSV answers.</summary>
    public const string CsvType = "text/csv";

    /// <summary>True for CSV, false for JSON, null when the client accepts neither.</summary>
    public static bool? WantsCsv(string? format, HttpRequest request, ApiProblems problems)
    {
        if (!string.IsNullOrWhiteSpace(format))
        {
            var chosen = OneOf(format, "format", null, problems, "json", "csv");
            return chosen is null ? false : chosen == "csv";
        }
        var accept = request.GetTypedHeaders().Accept;
        if (accept is not { Count: > 0 }) return false;
        // The client's most preferred type we serve, JSON on a tie.
        foreach (var type in accept.Where(t => (t.Quality ?? 1) > 0).OrderByDescending(t => t.Quality ?? 1))
        {
            var media = type.MediaType.Value?.ToLowerInvariant();
            if (media is "application/json" or "application/*" or "*/*") return false;
            if (media is CsvType or "text/*") return true;
        }
        return null;
    }

    /// <summary>
    /// The request's JSON body as <typeparamref name="T"/>, or null with the reason under <c>body</c>
    /// (the endpoints declare JSON, so other content types were refused with 415 already).
    /// </summary>
    public static async Task<T?> JsonBody<T>(HttpRequest request, string example, ApiProblems problems, CancellationToken cancellationToken)
    {
        // Routing refuses a wrong content type with 415, but lets a request without one through:
        // reading it would throw (a 500), so it is refused here, as is a charset nobody knows.
        if (!request.HasJsonContentType())
        {
            problems.Add("body", $"send it as JSON with Content-Type: application/json ({example}).");
            return default;
        }
        try
        {
            return await request.ReadFromJsonAsync<T>(cancellationToken);
        }
        catch (System.Text.Json.JsonException ex)
        {
            problems.Add("body", $"is not the JSON this endpoint takes ({example}): {ex.Message}");
            return default;
        }
        catch (InvalidOperationException)
        {
            problems.Add("body", $"has a charset that is not UTF-8 or another known encoding; send UTF-8 JSON ({example}).");
            return default;
        }
    }
}
