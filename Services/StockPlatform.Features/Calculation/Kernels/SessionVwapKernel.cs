namespace StockPlatform.Features.Calculation.Kernels;

/// <summary>
/// <c>vwap_session</c> = sum(P * V) / sum(V) over the session's bars so far (P the bar's own VWAP),
/// NaN while the session has no volume; its state <c>vwap_session_pv</c> and
/// <c>vwap_session_volume</c> are the two sums. Both reset when the session key changes.
/// </summary>
internal sealed class SessionVwapKernel : FeatureKernel
{
    public override IReadOnlyList<string> Columns { get; } = ["vwap_session", "vwap_session_pv", "vwap_session_volume"];

    public override IReadOnlyList<int> StateColumns { get; } = [1, 2];

    // The previous bar's session key decides whether the first computed bar continues its session.
    public override int LookBackBars => 1;

    public override void Compute(BarSeries bars, int start, ReadOnlySpan<double> previous, FeatureRows rows)
    {
        var (price, volume, session) = (bars.Vwap, bars.Volume, bars.Session);
        var priceVolume = start == 0 ? 0.0 : previous[1];
        var totalVolume = start == 0 ? 0.0 : previous[2];
        for (var t = start; t < price.Length; t++)
        {
            if (t == 0 || session[t] != session[t - 1])
            {
                priceVolume = 0.0;
                totalVolume = 0.0;
            }

            priceVolume += price[t] * volume[t];
            totalVolume += volume[t];
            rows[t, 0] = totalVolume == 0 ? double.NaN : priceVolume / totalVolume;
            rows[t, 1] = priceVolume;
            rows[t, 2] = totalVolume;
        }
    }
}
