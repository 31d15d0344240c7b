using System.Text;
using System.Text.Json;

namespace StockPlatform.Features.Calculation;

/// <summary>
/// The windows and periods of the core feature family. A stored feature row is only valid for
/// the parameters it was computed with, so they are serialised canonically
/// (<see cref="ToCanonicalJson"/>) and hashed into <see cref="FeatureSetDefinition.ParametersHash"/>.
/// </summary>
/// <param name="SmaWindows">Windows, in bars, of the simple moving averages of close (<c>sma_N</c>).</param>
/// <param name="EmaPeriods">Periods of the exponential moving averages of close (<c>ema_N</c>).</param>
/// <param name="RsiPeriod">Period of Wilder's RSI (<c>rsi_N</c>).</param>
/// <param name="AtrPeriod">Period of Wilder's average true range (<c>atr_N</c>).</param>
/// <param name="VolatilityWindow">Number of log returns in the rolling volatility (<c>volatility_N</c>).</param>
/// <param name="VolumeZScoreWindow">Number of bars in the volume z-score (<c>volume_zscore_N</c>).</param>
public sealed record CoreFeatureParameters(
    IReadOnlyList<int> SmaWindows,
    IReadOnlyList<int> EmaPeriods,
    int RsiPeriod,
    int AtrPeriod,
    int VolatilityWindow,
    int VolumeZScoreWindow)
{
    /// <summary>The parameters of feature set <c>core</c> version 1.</summary>
    public static CoreFeatureParameters V1 { get; } = new([5, 20, 50], [12, 26, 50], 14, 14, 20, 20);

    /// <summary>
    /// Compact JSON with the properties in ordinal (alphabetical) order and integers in invariant
    /// form, so equal parameters always give the same bytes and hence the same hash.
    /// </summary>
    public string ToCanonicalJson()
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            // Written by hand rather than by reflection: property order must never depend on declaration order.
            json.WriteStartObject();
            json.WriteNumber("atr_period", AtrPeriod);
            WriteArray(json, "ema_periods", EmaPeriods);
            json.WriteNumber("rsi_period", RsiPeriod);
            WriteArray(json, "sma_windows", SmaWindows);
            json.WriteNumber("volatility_window", VolatilityWindow);
            json.WriteNumber("volume_zscore_window", VolumeZScoreWindow);
            json.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    /// <summary>Throws when a window or period cannot define its feature.</summary>
    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(SmaWindows);
        ArgumentNullException.ThrowIfNull(EmaPeriods);
        foreach (var window in SmaWindows) ArgumentOutOfRangeException.ThrowIfLessThan(window, 1, nameof(SmaWindows));
        foreach (var period in EmaPeriods) ArgumentOutOfRangeException.ThrowIfLessThan(period, 1, nameof(EmaPeriods));
        ArgumentOutOfRangeException.ThrowIfLessThan(RsiPeriod, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(AtrPeriod, 1);
        // A sample standard deviation needs at least two values.
        ArgumentOutOfRangeException.ThrowIfLessThan(VolatilityWindow, 2);
        ArgumentOutOfRangeException.ThrowIfLessThan(VolumeZScoreWindow, 2);
    }

    private static void WriteArray(Utf8JsonWriter json, string name, IReadOnlyList<int> values)
    {
        json.WriteStartArray(name);
        foreach (var value in values) json.WriteNumberValue(value);
        json.WriteEndArray();
    }
}
