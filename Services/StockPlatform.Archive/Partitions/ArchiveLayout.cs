using System.Globalization;

namespace StockPlatform.Archive.Partitions;

/// <summary>
/// Where the archive's files live: <c>{root}/parquet/bars/symbol=SPY/dt=2024-01-02/part-0.parquet</c>
/// (Hive layout, so DuckDB, Polars and PyArrow read the tree as one partitioned dataset), trades and
/// quotes beside the bars in <c>parquet/trades/...</c> and <c>parquet/quotes/...</c>, and the
/// DuckDB catalog of views at <c>{root}/duckdb/stockplatform.duckdb</c>. With
/// <see cref="BarPartitioning.Month"/> a symbol's bars of a month share one file,
/// <c>bars/symbol=SPY/month=2024-01/part-0.parquet</c>, with the session date as a <c>dt</c> column.
/// </summary>
public sealed class ArchiveLayout(string root, BarPartitioning barPartitioning = BarPartitioning.Day)
{
    /// <summary>The archive's root directory (the platform's <c>data/</c>).</summary>
    public string Root { get; } = Path.GetFullPath(root);

    /// <summary>The granularity new bars files are written in (files of the other stay readable).</summary>
    public BarPartitioning BarPartitioning { get; } = barPartitioning;

    public string ParquetRoot => Path.Combine(Root, "parquet");

    public string CatalogPath => Path.Combine(Root, "duckdb", "stockplatform.duckdb");

    public string BarsRoot => Path.Combine(ParquetRoot, "bars");

    public string FeaturesRoot => Path.Combine(ParquetRoot, "features");

    public string TradesRoot => Path.Combine(ParquetRoot, "trades");

    public string QuotesRoot => Path.Combine(ParquetRoot, "quotes");

    /// <summary>Every bars day file: the glob the <c>bars</c> view reads for day partitions.</summary>
    public string BarsGlob => Path.Combine(BarsRoot, "symbol=*", "dt=*", "*.parquet");

    /// <summary>Every bars month file: the glob the <c>bars</c> view reads for month partitions.</summary>
    public string BarsMonthGlob => Path.Combine(BarsRoot, "symbol=*", "month=*", "*.parquet");

    /// <summary>Every features partition file, of every set and version: the glob the <c>features</c> view reads.</summary>
    public string FeaturesGlob => Path.Combine(FeaturesRoot, "feature_set=*", "version=*", "symbol=*", "dt=*", "*.parquet");

    /// <summary>Every trades partition file: the glob the <c>trades</c> view reads.</summary>
    public string TradesGlob => Path.Combine(TradesRoot, "symbol=*", "dt=*", "*.parquet");

    /// <summary>Every quotes partition file: the glob the <c>quotes</c> view reads.</summary>
    public string QuotesGlob => Path.Combine(QuotesRoot, "symbol=*", "dt=*", "*.parquet");

    /// <summary>The file one symbol's session is written to, in <see cref="BarPartitioning"/>.</summary>
    public string BarsPartition(string symbol, DateOnly session) =>
        BarPartitioning == BarPartitioning.Month ? BarsMonthPartition(symbol, session) : BarsDayPartition(symbol, session);

    /// <summary>The day file of one symbol's session.</summary>
    public string BarsDayPartition(string symbol, DateOnly session) =>
        Path.Combine(BarsRoot, $"symbol={symbol}", Day(session), "part-0.parquet");

    /// <summary>The month file holding one symbol's session (and the other archived sessions of its month).</summary>
    public string BarsMonthPartition(string symbol, DateOnly session) =>
        Path.Combine(BarsRoot, $"symbol={symbol}", string.Create(CultureInfo.InvariantCulture, $"month={session:yyyy-MM}"), "part-0.parquet");

    /// <summary>Whether a bars file (absolute, or relative as the index records it) is a month file.</summary>
    public static bool IsMonthFile(string path) =>
        Path.GetFileName(Path.GetDirectoryName(path))?.StartsWith("month=", StringComparison.Ordinal) == true;

    /// <summary>The file of one symbol's trades of a New York day.</summary>
    public string TradesPartition(string symbol, DateOnly session) =>
        Path.Combine(TradesRoot, $"symbol={symbol}", Day(session), "part-0.parquet");

    /// <summary>The file of one symbol's quotes of a New York day.</summary>
    public string QuotesPartition(string symbol, DateOnly session) =>
        Path.Combine(QuotesRoot, $"symbol={symbol}", Day(session), "part-0.parquet");

    /// <summary>The file of one symbol's session of a feature set's version (every interval in one file).</summary>
    public string FeaturesPartition(string featureSet, int version, string symbol, DateOnly session) =>
        Path.Combine(FeaturesRoot, $"feature_set={featureSet}", string.Create(CultureInfo.InvariantCulture, $"version={version}"), $"symbol={symbol}", Day(session), "part-0.parquet");

    /// <summary>A partition's path relative to the root, as <c>archive_partitions</c> records it.</summary>
    public string Relative(string path) => Path.GetRelativePath(Root, path);

    private static string Day(DateOnly session) => string.Create(CultureInfo.InvariantCulture, $"dt={session:yyyy-MM-dd}");

    /// <summary>
    /// A temporary name beside <paramref name="final"/> that no reader's glob matches (it does not
    /// end in <c>.parquet</c>): a writer killed mid-file leaves only this behind.
    /// </summary>
    public static string TemporaryFor(string final) =>
        Path.Combine(Path.GetDirectoryName(final)!, $".{Path.GetFileNameWithoutExtension(final)}.{Guid.NewGuid():N}.tmp");
}
