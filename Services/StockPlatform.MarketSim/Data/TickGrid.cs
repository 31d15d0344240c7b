namespace StockPlatform.MarketSim.Data;

/// <summary>
/// US equity price increments (Reg NMS rule 612): whole cents at or above $1, $0.0001 below.
/// Prices are built from integer ticks so that no float noise reaches the decimals clients see.
/// </summary>
internal static class TickGrid
{
    private const decimal SubDollarTick = 0.0001m;

    public static decimal Nearest(double price) => price >= 1
        ? FromTicks((long)Math.Round(price * 100), 2)
        : Clamp(FromTicks((long)Math.Round(price * 10_000), 4));

    public static decimal Up(double price) => price >= 1
        ? FromTicks((long)Math.Ceiling((price * 100) - 1e-9), 2)
        : Clamp(FromTicks((long)Math.Ceiling((price * 10_000) - 1e-9), 4));

    public static decimal Down(double price) => price >= 1
        ? FromTicks((long)Math.Floor((price * 100) + 1e-9), 2)
        : Clamp(FromTicks((long)Math.Floor((price * 10_000) + 1e-9), 4));

    /// <summary>Rounds to six decimals, the precision Alpaca gives VWAPs.</summary>
    public static decimal Micros(double value) => FromTicks((long)Math.Round(value * 1_000_000), 6);

    /// <summary>The increment that applies at <paramref name="price"/>.</summary>
    public static decimal TickAt(decimal price) => price >= 1 ? 0.01m : SubDollarTick;

    /// <summary>True when <paramref name="price"/> is a whole number of ticks.</summary>
    public static bool IsOnGrid(decimal price) => price % TickAt(price) == 0;

    private static decimal Clamp(decimal price) => price < SubDollarTick ? SubDollarTick : price;

    private static decimal FromTicks(long ticks, byte scale) =>
        new((int)(ticks & 0xFFFFFFFF), (int)(ticks >> 32), 0, false, scale);
}
