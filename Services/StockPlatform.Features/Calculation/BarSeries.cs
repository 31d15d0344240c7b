using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.Features.Calculation;

/// <summary>
/// The bars of one symbol at one interval, in time order, as columns of doubles: the input of
/// <see cref="FeatureCalculator"/>. <see cref="Session"/> holds a key per bar (bars of the same
/// trading session share it), so the session VWAP knows where to reset without a calendar.
/// </summary>
public sealed class BarSeries
{
    /// <summary>Wraps existing columns without copying them; all must have the same length.</summary>
    /// <exception cref="ArgumentException">The columns differ in length or the timestamps are not strictly increasing.</exception>
    public BarSeries(
        long[] timestampsMicros, double[] open, double[] high, double[] low, double[] close,
        double[] volume, double[] vwap, int[] session)
    {
        ArgumentNullException.ThrowIfNull(timestampsMicros);
        var count = timestampsMicros.Length;
        RequireLength(open, count, nameof(open));
        RequireLength(high, count, nameof(high));
        RequireLength(low, count, nameof(low));
        RequireLength(close, count, nameof(close));
        RequireLength(volume, count, nameof(volume));
        RequireLength(vwap, count, nameof(vwap));
        RequireLength(session, count, nameof(session));
        // Features are defined bar after bar; an unordered or duplicated bar would silently shift every window.
        for (var i = 1; i < count; i++)
        {
            if (timestampsMicros[i] <= timestampsMicros[i - 1])
                throw new ArgumentException($"timestamps must be strictly increasing (index {i})", nameof(timestampsMicros));
        }

        TimestampsMicros = timestampsMicros;
        Open = open;
        High = high;
        Low = low;
        Close = close;
        Volume = volume;
        Vwap = vwap;
        Session = session;
    }

    /// <summary>Bar start times, UTC, in microseconds since the Unix epoch.</summary>
    public long[] TimestampsMicros { get; }

    /// <summary>Opening prices.</summary>
    public double[] Open { get; }

    /// <summary>High prices.</summary>
    public double[] High { get; }

    /// <summary>Low prices.</summary>
    public double[] Low { get; }

    /// <summary>Closing prices.</summary>
    public double[] Close { get; }

    /// <summary>Traded volumes.</summary>
    public double[] Volume { get; }

    /// <summary>Each bar's own volume-weighted average price.</summary>
    public double[] Vwap { get; }

    /// <summary>A session key per bar, e.g. <see cref="DateOnly.DayNumber"/> of the New York trading date.</summary>
    public int[] Session { get; }

    /// <summary>The number of bars.</summary>
    public int Count => TimestampsMicros.Length;

    /// <summary>
    /// Builds the columns from domain bars in one pass. <paramref name="sessionOf"/> maps a bar's
    /// timestamp to its session key; <see cref="NewYorkSession"/> is the usual choice.
    /// </summary>
    public static BarSeries From(IReadOnlyList<Bar> bars, Func<DateTimeOffset, int> sessionOf)
    {
        ArgumentNullException.ThrowIfNull(bars);
        ArgumentNullException.ThrowIfNull(sessionOf);
        var count = bars.Count;
        var timestamps = new long[count];
        var open = new double[count];
        var high = new double[count];
        var low = new double[count];
        var close = new double[count];
        var volume = new double[count];
        var vwap = new double[count];
        var session = new int[count];
        for (var i = 0; i < count; i++)
        {
            var bar = bars[i];
            timestamps[i] = (bar.Timestamp.UtcTicks - DateTimeOffset.UnixEpoch.UtcTicks) / TimeSpan.TicksPerMicrosecond;
            open[i] = (double)bar.Open;
            high[i] = (double)bar.High;
            low[i] = (double)bar.Low;
            close[i] = (double)bar.Close;
            volume[i] = bar.Volume;
            vwap[i] = (double)bar.Vwap;
            session[i] = sessionOf(bar.Timestamp);
        }

        return new BarSeries(timestamps, open, high, low, close, volume, vwap, session);
    }

    /// <summary>The session key of a bar: the <see cref="DateOnly.DayNumber"/> of its New York calendar date.</summary>
    public static int NewYorkSession(DateTimeOffset timestamp) => NewYorkTime.DateOf(timestamp).DayNumber;

    /// <summary>A copy of bars <c>[start, start + length)</c>, e.g. the look-back window of a resumed computation.</summary>
    public BarSeries Slice(int start, int length)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(start);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(start + length, Count, nameof(length));
        return new BarSeries(
            TimestampsMicros.AsSpan(start, length).ToArray(), Open.AsSpan(start, length).ToArray(),
            High.AsSpan(start, length).ToArray(), Low.AsSpan(start, length).ToArray(),
            Close.AsSpan(start, length).ToArray(), Volume.AsSpan(start, length).ToArray(),
            Vwap.AsSpan(start, length).ToArray(), Session.AsSpan(start, length).ToArray());
    }

    private static void RequireLength<T>(T[] column, int count, string name)
    {
        ArgumentNullException.ThrowIfNull(column, name);
        if (column.Length != count)
            throw new ArgumentException($"{name} has {column.Length} values, the timestamps {count}", name);
    }
}
