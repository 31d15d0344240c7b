namespace StockPlatform.MarketSim.Data;

/// <summary>
/// US equity price increments (Reg NMS rule 612): whole cents at or above $1, $0.0001 below.
/// Generation works in integer units of $0.0001 ("ticks" here), so no float noise reaches the
/// decimals clients see and the hot loop avoids decimal arithmetic.
/// </summary>
internal static class TickGrid
{
    /// <summary>Units of $0.0001 per dollar.</summary>
    public const long PerDollar = 10_000;

    private const long Cent = 100;
    private const double Epsilon = 1e-9;

    /// <summary>The nearest valid price to <paramref name="price"/>, in ticks.</summary>
    public static long Nearest(double price) => Math.Max(1, price >= 1
        ? (long)Math.Round(price * 100) * Cent
        : (long)Math.Round(price * PerDollar));

    /// <summary>The smallest valid price at or above <paramref name="price"/>, in ticks.</summary>
    public static long Up(double price) => Math.Max(1, price >= 1
        ? (long)Math.Ceiling((price * 100) - Epsilon) * Cent
        : (long)Math.Ceiling((price * PerDollar) - Epsilon));

    /// <summary>The largest valid price at or below <paramref name="price"/>, in ticks.</summary>
    public static long Down(double price) => Math.Max(1, price >= 1
        ? (long)Math.Floor((price * 100) + Epsilon) * Cent
        : (long)Math.Floor((price * PerDollar) + Epsilon));

    /// <summary>The increment at a price given in ticks.</summary>
    public static long IncrementAt(long ticks) => ticks >= PerDollar ? Cent : 1;

    /// <summary>A price in ticks as a decimal with no more decimals than it needs at its increment.</summary>
    public static decimal ToDecimal(long ticks) => ticks % Cent == 0 ? FromUnits(ticks / Cent, 2) : FromUnits(ticks, 4);

    /// <summary>The increment that applies at <paramref name="price"/>.</summary>
    public static decimal TickAt(decimal price) => price >= 1 ? 0.01m : 0.0001m;

    private static decimal FromUnits(long units, byte scale) =>
        new((int)(units & 0xFFFFFFFF), (int)(units >> 32), 0, false, scale);
}
