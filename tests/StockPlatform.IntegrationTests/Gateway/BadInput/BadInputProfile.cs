using System.Globalization;

namespace StockPlatform.IntegrationTests.Gateway.BadInput;

/// <summary>
/// How hard the bad-input suite pushes: the short run every test run makes (CI), or the full one
/// (<c>BADINPUT_PROFILE=full</c>, as <c>scripts/badinput.sh --full</c> sets it). <c>BADINPUT_SEED</c>
/// replays a run's generated requests; without it each run draws a seed and prints it.
/// </summary>
internal sealed record BadInputProfile(string Name, int FuzzRequests, int WrongKeyRequests, int Seed)
{
    public static BadInputProfile Current { get; } = Read();

    public bool Full => Name == "full";

    private static BadInputProfile Read()
    {
        var full = string.Equals(Environment.GetEnvironmentVariable("BADINPUT_PROFILE"), "full", StringComparison.OrdinalIgnoreCase);
        var seed = int.TryParse(Environment.GetEnvironmentVariable("BADINPUT_SEED"), NumberStyles.Integer, CultureInfo.InvariantCulture, out var given)
            ? given
            : Random.Shared.Next();
        return full ? new("full", 12_000, 10_000, seed) : new("ci", 1_200, 1_500, seed);
    }
}
