namespace StockPlatform.Bench.Support;

/// <summary>Small statistics the benchmarks share: percentiles of sorted samples and least-squares slopes.</summary>
internal static class Stats
{
    /// <summary>Nearest-rank percentile of sorted values (1: the maximum); NaN when empty.</summary>
    public static double Percentile(IReadOnlyList<double> sorted, double q) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Clamp((int)Math.Ceiling(q * sorted.Count) - 1, 0, sorted.Count - 1)];

    /// <summary>The least-squares slope of <paramref name="y"/> over <paramref name="x"/> (units of y per unit of x); 0 for fewer than two points.</summary>
    public static double Slope(IReadOnlyList<double> x, IReadOnlyList<double> y)
    {
        if (x.Count != y.Count) throw new ArgumentException("x and y differ in length");
        if (x.Count < 2) return 0;
        var meanX = x.Average();
        var meanY = y.Average();
        double covariance = 0, variance = 0;
        for (var i = 0; i < x.Count; i++)
        {
            covariance += (x[i] - meanX) * (y[i] - meanY);
            variance += (x[i] - meanX) * (x[i] - meanX);
        }
        return variance == 0 ? 0 : covariance / variance;
    }

    /// <summary>A figure rounded for the JSON line; -1 stands for none (NaN or infinite), which JSON cannot carry.</summary>
    public static double Round(double value, int digits = 2) => double.IsNaN(value) || double.IsInfinity(value) ? -1 : Math.Round(value, digits);
}
