using System.Globalization;

namespace StockPlatform.MarketData.Domain;

/// <summary>
/// The length of a bar: N minutes (any N from 1 to 1439), N hours (1 to 23) or one day. Parses our
/// short form (<c>1m</c>, <c>5m</c>, <c>90m</c>, <c>1h</c>, <c>1d</c>) and Alpaca's timeframes
/// (<c>1Min</c>, <c>5T</c>, <c>1Hour</c>, <c>1H</c>, <c>1Day</c>, <c>1D</c>).
/// </summary>
public readonly record struct BarInterval
{
    /// <summary>The rule, phrased for error messages.</summary>
    public const string Rule = "an interval is N minutes (1m..1439m, or Alpaca's NMin), N hours (1h..23h, NHour) or one day (1d, 1Day)";

    private BarInterval(int minutes) => Minutes = minutes;

    /// <summary>One minute: the only interval fetched from Alpaca; every other one is derived.</summary>
    public static BarInterval OneMinute { get; } = new(1);

    /// <summary>Five minutes.</summary>
    public static BarInterval FiveMinutes { get; } = new(5);

    /// <summary>Fifteen minutes.</summary>
    public static BarInterval FifteenMinutes { get; } = new(15);

    /// <summary>Thirty minutes.</summary>
    public static BarInterval ThirtyMinutes { get; } = new(30);

    /// <summary>One hour.</summary>
    public static BarInterval OneHour { get; } = new(60);

    /// <summary>One trading day.</summary>
    public static BarInterval OneDay { get; } = new(MinutesPerDay);

    private const int MinutesPerDay = 24 * 60;

    /// <summary>Length in minutes (1440 for a day).</summary>
    public int Minutes { get; }

    /// <summary>True for daily bars, which follow sessions rather than the clock.</summary>
    public bool IsDaily => Minutes == MinutesPerDay;

    /// <summary>True for whole hours (1h..23h).</summary>
    public bool IsHourly => !IsDaily && Minutes % 60 == 0;

    /// <summary>The length as a time span.</summary>
    public TimeSpan Length => TimeSpan.FromMinutes(Minutes);

    /// <summary>Creates an N-minute interval.</summary>
    public static BarInterval FromMinutes(int minutes) =>
        minutes is >= 1 and <= MinutesPerDay
            ? new BarInterval(minutes)
            : throw new ArgumentOutOfRangeException(nameof(minutes), minutes, Rule);

    /// <summary>Parses our form or Alpaca's; throws <see cref="FormatException"/> naming the rule.</summary>
    public static BarInterval Parse(string? text) =>
        TryParse(text, out var interval) ? interval : throw new FormatException($"'{text}' is not a bar interval; {Rule}.");

    /// <summary>Parses our form or Alpaca's without throwing.</summary>
    public static bool TryParse(string? text, out BarInterval interval)
    {
        interval = default;
        if (string.IsNullOrWhiteSpace(text)) return false;
        text = text.Trim();

        var digits = 0;
        while (digits < text.Length && char.IsAsciiDigit(text[digits])) digits++;
        if (digits == 0 || digits > 4) return false;
        var count = int.Parse(text.AsSpan(0, digits), NumberStyles.None, CultureInfo.InvariantCulture);
        var unit = text[digits..];

        int minutes;
        switch (unit)
        {
            case "m" or "min" or "Min" or "T":
                minutes = count;
                break;
            case "h" or "H" or "Hour":
                if (count is < 1 or > 23) return false;
                minutes = count * 60;
                break;
            case "d" or "D" or "Day":
                if (count != 1) return false;
                minutes = MinutesPerDay;
                break;
            default:
                return false;
        }
        if (minutes is < 1 or >= MinutesPerDay && minutes != MinutesPerDay) return false;
        if (minutes == MinutesPerDay && unit is not ("d" or "D" or "Day")) return false;

        interval = new BarInterval(minutes);
        return true;
    }

    /// <summary>Alpaca's timeframe for this interval (<c>1Min</c>, <c>15Min</c>, <c>1Hour</c>, <c>1Day</c>).</summary>
    /// <exception cref="InvalidOperationException">The interval has no Alpaca equivalent (for example 90 minutes).</exception>
    public string ToAlpacaTimeframe()
    {
        if (IsDaily) return "1Day";
        if (IsHourly) return $"{Minutes / 60}Hour";
        if (Minutes <= 59) return $"{Minutes}Min";
        throw new InvalidOperationException($"{this} has no Alpaca timeframe: Alpaca accepts 1-59 minutes, 1-23 hours or 1 day.");
    }

    /// <summary>Our short form: <c>5m</c>, <c>1h</c>, <c>1d</c>.</summary>
    public override string ToString() =>
        Minutes == 0 ? "0m" : IsDaily ? "1d" : IsHourly ? $"{Minutes / 60}h" : $"{Minutes}m";
}
