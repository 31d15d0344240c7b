namespace StockPlatform.MarketData.Tests.Support;

/// <summary>
/// Alpaca's recorded responses, read from the shared reference folder beside the repository
/// (never copied into it). ALPACA_SAMPLES_DIR overrides the location.
/// </summary>
internal static class Samples
{
    private static readonly Lazy<string> Directory = new(Locate);

    public static string Read(string fileName) => File.ReadAllText(Path.Combine(Directory.Value, fileName));

    public static string PathOf(string fileName) => Path.Combine(Directory.Value, fileName);

    private static string Locate()
    {
        if (Environment.GetEnvironmentVariable("ALPACA_SAMPLES_DIR") is { Length: > 0 } configured) return configured;

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (!File.Exists(Path.Combine(dir.FullName, "StockPlatform.sln"))) continue;
            var samples = Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "reference", "alpaca-samples"));
            if (System.IO.Directory.Exists(samples)) return samples;
            throw new DirectoryNotFoundException($"Alpaca samples not found at {samples}; set ALPACA_SAMPLES_DIR to the folder holding them.");
        }
        throw new DirectoryNotFoundException("Repository root (StockPlatform.sln) not found above " + AppContext.BaseDirectory);
    }
}
