namespace StockPlatform.Features.Calculation.Kernels;

/// <summary>
/// Window statistics summed directly over the window's values, first to last. A running sum would
/// be cheaper, but its rounding would depend on where the computation started, and a resumed
/// computation must reproduce a full rebuild bit for bit.
/// </summary>
internal static class RollingWindow
{
    /// <summary>Sum of the values, left to right.</summary>
    public static double Sum(ReadOnlySpan<double> window)
    {
        var sum = 0.0;
        foreach (var value in window) sum += value;
        return sum;
    }

    /// <summary>Arithmetic mean of the values.</summary>
    public static double Mean(ReadOnlySpan<double> window) => Sum(window) / window.Length;

    /// <summary>Sample standard deviation (divisor n - 1) around a mean already computed (two-pass).</summary>
    public static double SampleStandardDeviation(ReadOnlySpan<double> window, double mean)
    {
        var squares = 0.0;
        foreach (var value in window)
        {
            var deviation = value - mean;
            squares += deviation * deviation;
        }

        return Math.Sqrt(squares / (window.Length - 1));
    }
}
