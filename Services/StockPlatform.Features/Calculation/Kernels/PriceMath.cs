namespace StockPlatform.Features.Calculation.Kernels;

/// <summary>The bar-to-bar formulas more than one kernel uses, written once so they agree to the bit.</summary>
internal static class PriceMath
{
    /// <summary><c>current / previous - 1</c>; NaN when <paramref name="previous"/> is 0.</summary>
    public static double SimpleReturn(double previous, double current) =>
        previous == 0 ? double.NaN : current / previous - 1;

    /// <summary><c>ln(current / previous)</c>; NaN unless both prices are positive.</summary>
    public static double LogReturn(double previous, double current) =>
        previous > 0 && current > 0 ? Math.Log(current / previous) : double.NaN;

    /// <summary>Wilder's true range: <c>max(H - L, |H - previousClose|, |L - previousClose|)</c>.</summary>
    public static double TrueRange(double high, double low, double previousClose) =>
        Math.Max(high - low, Math.Max(Math.Abs(high - previousClose), Math.Abs(low - previousClose)));

    /// <summary>Wilder's smoothing step, in its one fixed form: <c>(previous * (n - 1) + current) / n</c>.</summary>
    public static double WilderStep(double previous, double current, int period) =>
        (previous * (period - 1) + current) / period;
}
