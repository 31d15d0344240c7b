using System.Globalization;
using System.Text.Json;

namespace StockPlatform.Frontend.Display;

/// <summary>How feature values and feature set metadata read on the Features page.</summary>
public static class FeatureText
{
    private static readonly CultureInfo Culture = CultureInfo.InvariantCulture;

    /// <summary>The intervals features are computed for (the gateway's list); other intervals have none.</summary>
    public static readonly IReadOnlyList<string> Intervals = ["1m", "5m", "1d"];

    /// <summary>How many rows the preview shows: the latest ones.</summary>
    public const int PreviewRows = 200;

    /// <summary>
    /// A value with four decimals, and small ones (returns are around 1e-4) with four significant
    /// digits instead, so neither prices nor returns lose what matters; empty for null (warm-up).
    /// </summary>
    public static string Number(double? value)
    {
        if (value is not { } v) return string.Empty;
        if (v == 0 || !double.IsFinite(v)) return v.ToString(Culture);
        var decimals = Math.Abs(v) >= 1 ? 4 : Math.Min(15, 3 - (int)Math.Floor(Math.Log10(Math.Abs(v))));
        return v.ToString("F" + decimals.ToString(Culture), Culture);
    }

    /// <summary>Parameters as compact JSON on one line: <c>{"sma":[5,20,50],"rsi":14}</c>.</summary>
    public static string CompactJson(JsonElement json) => json.ValueKind == JsonValueKind.Undefined ? string.Empty : JsonSerializer.Serialize(json);

    /// <summary>The first 12 characters of a hash: enough to tell versions apart at a glance.</summary>
    public static string ShortHash(string hash) => hash.Length <= 12 ? hash : hash[..12];

    /// <summary>A row's time in New York: the date alone for daily rows.</summary>
    public static string Time(DateTime utc, string interval)
    {
        var wall = MarketData.Calendar.NewYorkTime.FromUtc(new DateTimeOffset(utc, TimeSpan.Zero));
        return wall.ToString(interval == "1d" ? "yyyy-MM-dd" : "yyyy-MM-dd HH:mm", Culture);
    }
}
