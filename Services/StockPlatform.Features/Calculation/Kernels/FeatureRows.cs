namespace StockPlatform.Features.Calculation.Kernels;

/// <summary>
/// A kernel's view of the row-major output: cell (bar, column) addressed by the bar's index in the
/// series and the column's offset within the kernel, so kernels never do stride arithmetic.
/// </summary>
internal readonly ref struct FeatureRows
{
    private readonly Span<double> values;
    private readonly int stride;
    private readonly int firstBar;
    private readonly int firstColumn;

    public FeatureRows(Span<double> values, int stride, int firstBar, int firstColumn)
    {
        this.values = values;
        this.stride = stride;
        this.firstBar = firstBar;
        this.firstColumn = firstColumn;
    }

    /// <summary>The cell of series bar <paramref name="bar"/> and kernel column <paramref name="column"/>.</summary>
    public ref double this[int bar, int column] => ref values[(bar - firstBar) * stride + firstColumn + column];
}
