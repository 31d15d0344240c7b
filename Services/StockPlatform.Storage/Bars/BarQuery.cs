using StockPlatform.MarketData.Domain;

namespace StockPlatform.Storage.Bars;

/// <summary>
/// A read of one symbol's bars at any interval. With <see cref="Start"/>/<see cref="End"/> it
/// returns the bars starting in [Start, End), ascending, at most <see cref="Limit"/>; with
/// <see cref="Latest"/>, the last <see cref="Limit"/> bars, ascending.
/// </summary>
public sealed record BarQuery(Symbol Symbol, BarInterval Interval)
{
    /// <summary>First bar start included (UTC).</summary>
    public DateTimeOffset? Start { get; init; }

    /// <summary>Bars starting at or after this are excluded (UTC).</summary>
    public DateTimeOffset? End { get; init; }

    /// <summary>Most bars returned.</summary>
    public int Limit { get; init; } = 1000;

    /// <summary>Return the last <see cref="Limit"/> bars instead of the first.</summary>
    public bool Latest { get; init; }

    /// <summary>Null picks the default: regular for daily bars, extended for intraday ones.</summary>
    public SessionFilter? Session { get; init; }

    /// <summary>Where multi-minute buckets start.</summary>
    public HourAnchor Anchor { get; init; } = HourAnchor.Clock;

    /// <summary>The session filter in effect.</summary>
    public SessionFilter EffectiveSession => Session ?? (Interval.IsDaily ? SessionFilter.Regular : SessionFilter.Extended);
}
