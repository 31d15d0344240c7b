namespace StockPlatform.Frontend.Display;

/// <summary>One way of adjusting bar prices: the gateway's <c>adjustment</c> value, its switch label and what it means.</summary>
public sealed record AdjustmentMode(string Value, string Label, string Description);

/// <summary>
/// The adjustments <c>GET /bars</c> offers. Raw prices are what traded; the others scale the bars
/// before each split or cash dividend, so the history lines up with today's prices.
/// </summary>
public static class AdjustmentText
{
    public const string Raw = "raw", Split = "split", Dividend = "dividend", All = "all";

    /// <summary>Every mode, in the switch's order.</summary>
    public static readonly IReadOnlyList<AdjustmentMode> Modes =
    [
        new(Raw, "Raw", "Prices as traded"),
        new(Split, "Split", "Adjusted for splits"),
        new(Dividend, "Dividend", "Adjusted for cash dividends"),
        new(All, "All", "Adjusted for splits and cash dividends"),
    ];

    /// <summary>The switch's label of <paramref name="value"/> ("Split"); an unknown value as it came.</summary>
    public static string Label(string? value) => Find(value)?.Label ?? value ?? "Raw";

    /// <summary>What <paramref name="value"/> does to the prices ("Adjusted for splits").</summary>
    public static string Description(string? value) => Find(value)?.Description ?? $"Adjustment '{value}'";

    /// <summary>Whether the bars' prices differ from what traded when adjusted this way (the legend says so).</summary>
    public static bool IsAdjusted(string? value) => value is not (null or Raw);

    private static AdjustmentMode? Find(string? value) => Modes.FirstOrDefault(m => m.Value == value);
}
