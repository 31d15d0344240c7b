namespace StockPlatform.Features.Calculation.Kernels;

/// <summary>
/// One feature (or a few that share state) computed over bars <c>[start, Count)</c> of a series.
/// Bars before <c>start</c> are history the kernel may read (at most <see cref="LookBackBars"/> of
/// them); its own columns of the row before <c>start</c> arrive as <c>previous</c>, which is all a
/// recursive feature needs to resume.
/// </summary>
internal abstract class FeatureKernel
{
    /// <summary>The output columns, in order.</summary>
    public abstract IReadOnlyList<string> Columns { get; }

    /// <summary>Offsets (within <see cref="Columns"/>) of the columns a resumed computation reads back.</summary>
    public virtual IReadOnlyList<int> StateColumns => [];

    /// <summary>How many bars before the first computed bar the kernel reads.</summary>
    public abstract int LookBackBars { get; }

    /// <summary>
    /// Writes the kernel's columns for bars <c>[start, bars.Count)</c>. <paramref name="previous"/>
    /// is empty when <paramref name="start"/> is 0, otherwise the kernel's columns of bar
    /// <c>start - 1</c> with every state column defined (the caller checks).
    /// </summary>
    public abstract void Compute(BarSeries bars, int start, ReadOnlySpan<double> previous, FeatureRows rows);
}
