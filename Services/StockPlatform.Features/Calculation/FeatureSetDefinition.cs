using System.Security.Cryptography;
using System.Text;
using StockPlatform.Features.Calculation.Kernels;

namespace StockPlatform.Features.Calculation;

/// <summary>
/// A named, versioned list of feature columns and the parameters they are computed with. Stored
/// feature rows carry <see cref="Name"/>, <see cref="Version"/> and <see cref="ParametersHash"/>,
/// so rows computed under other parameters are never mixed with these.
/// </summary>
public sealed class FeatureSetDefinition
{
    private FeatureSetDefinition(string name, int version, CoreFeatureParameters parameters, IReadOnlyList<FeatureKernel> kernels)
    {
        Name = name;
        Version = version;
        Parameters = parameters;
        Kernels = kernels;

        var columns = new List<string>();
        var stateColumns = new List<int>();
        foreach (var kernel in kernels)
        {
            foreach (var offset in kernel.StateColumns) stateColumns.Add(columns.Count + offset);
            columns.AddRange(kernel.Columns);
        }

        // Duplicate windows would give two columns one name, and a reader could not tell them apart.
        var duplicate = columns.GroupBy(column => column, StringComparer.Ordinal).FirstOrDefault(group => group.Count() > 1);
        if (duplicate is not null) throw new ArgumentException($"column '{duplicate.Key}' would appear twice", nameof(parameters));

        Columns = columns;
        StateColumns = stateColumns;
        LookBackBars = kernels.Max(kernel => kernel.LookBackBars);
        ParametersJson = parameters.ToCanonicalJson();
        ParametersHash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(ParametersJson)));
    }

    /// <summary>The feature set's name, e.g. <c>core</c>.</summary>
    public string Name { get; }

    /// <summary>The version of the definitions; bumped whenever a formula changes.</summary>
    public int Version { get; }

    /// <summary>The windows and periods the columns are computed with.</summary>
    public CoreFeatureParameters Parameters { get; }

    /// <summary>Output column names, in the order of a feature row.</summary>
    public IReadOnlyList<string> Columns { get; }

    /// <summary>
    /// Indexes (into <see cref="Columns"/>) of the columns that carry recursive state: a resumed
    /// computation reads them from the previous row.
    /// </summary>
    public IReadOnlyList<int> StateColumns { get; }

    /// <summary>The parameters as canonical JSON (see <see cref="CoreFeatureParameters.ToCanonicalJson"/>).</summary>
    public string ParametersJson { get; }

    /// <summary>Lowercase hex SHA-256 of the UTF-8 bytes of <see cref="ParametersJson"/>.</summary>
    public string ParametersHash { get; }

    /// <summary>
    /// How many bars before the first recomputed bar a resumed computation reads: the longest
    /// reach back of any column (for core v1 <c>sma_50</c>, whose window spans 49 earlier bars).
    /// </summary>
    public int LookBackBars { get; }

    /// <summary>The kernels that fill the columns, in column order.</summary>
    internal IReadOnlyList<FeatureKernel> Kernels { get; }

    /// <summary>The index of a column in a feature row; -1 when the set has no such column.</summary>
    public int ColumnIndex(string column)
    {
        for (var i = 0; i < Columns.Count; i++)
        {
            if (string.Equals(Columns[i], column, StringComparison.Ordinal)) return i;
        }

        return -1;
    }

    /// <summary>
    /// The core feature family under a name, version and parameters. Columns, in order: return_1,
    /// log_return_1, sma_N per SMA window, ema_N per EMA period, rsi_N, rsi_N_avg_gain,
    /// rsi_N_avg_loss, atr_N, volatility_N, vwap_session, vwap_session_pv, vwap_session_volume,
    /// volume_zscore_N, range_pct (definitions in docs/features.md).
    /// </summary>
    public static FeatureSetDefinition CreateCore(string name, int version, CoreFeatureParameters parameters)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentOutOfRangeException.ThrowIfLessThan(version, 1);
        ArgumentNullException.ThrowIfNull(parameters);
        parameters.Validate();

        var kernels = new List<FeatureKernel> { new ReturnsKernel() };
        foreach (var window in parameters.SmaWindows) kernels.Add(new SimpleMovingAverageKernel(window));
        foreach (var period in parameters.EmaPeriods) kernels.Add(new ExponentialMovingAverageKernel(period));
        kernels.Add(new WilderRsiKernel(parameters.RsiPeriod));
        kernels.Add(new WilderAtrKernel(parameters.AtrPeriod));
        kernels.Add(new RollingVolatilityKernel(parameters.VolatilityWindow));
        kernels.Add(new SessionVwapKernel());
        kernels.Add(new VolumeZScoreKernel(parameters.VolumeZScoreWindow));
        kernels.Add(new RangePercentKernel());
        return new FeatureSetDefinition(name, version, parameters, kernels);
    }
}
