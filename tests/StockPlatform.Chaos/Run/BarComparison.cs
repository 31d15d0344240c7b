using StockPlatform.MarketData.Domain;

namespace StockPlatform.Chaos.Run;

/// <summary>How stored minutes differ from the ground truth: missing, extra, and different bars, with a few of each.</summary>
internal sealed record BarComparison(int Expected, int Stored, IReadOnlyList<DateTimeOffset> Missing, IReadOnlyList<DateTimeOffset> Extra, IReadOnlyList<(Bar Truth, Bar Stored)> Different)
{
    public bool Equal => Missing.Count == 0 && Extra.Count == 0 && Different.Count == 0;

    public static BarComparison Of(IReadOnlyList<Bar> truth, IReadOnlyList<Bar> stored)
    {
        var byMinute = stored.GroupBy(b => b.Timestamp).ToDictionary(g => g.Key, g => g.ToList());
        var expected = truth.Select(b => b.Timestamp).ToHashSet();
        var missing = truth.Where(b => !byMinute.ContainsKey(b.Timestamp)).Select(b => b.Timestamp).ToList();
        // A minute served twice counts as extra as well: none may be stored twice.
        var extra = stored.Where(b => !expected.Contains(b.Timestamp)).Select(b => b.Timestamp)
            .Concat(byMinute.Where(g => g.Value.Count > 1).Select(g => g.Key)).ToList();
        var different = truth.Where(b => byMinute.TryGetValue(b.Timestamp, out var s) && s[0] != b).Select(b => (b, byMinute[b.Timestamp][0])).ToList();
        return new BarComparison(truth.Count, stored.Count, missing, extra, different);
    }

    public override string ToString() => Equal
        ? $"{Expected} bars equal"
        : $"{Expected} expected, {Stored} stored: {Missing.Count} missing {Few(Missing)}, {Extra.Count} extra {Few(Extra)}, {Different.Count} different "
          + string.Join("; ", Different.Take(3).Select(d => $"{d.Truth} vs {d.Stored}"));

    private static string Few(IReadOnlyList<DateTimeOffset> minutes) =>
        minutes.Count == 0 ? string.Empty : "(" + string.Join(", ", minutes.Take(5).Select(m => m.UtcDateTime.ToString("yyyy-MM-dd HH:mm", System.Globalization.CultureInfo.InvariantCulture))) + (minutes.Count > 5 ? ", ...)" : ")");
}
