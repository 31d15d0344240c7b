namespace StockPlatform.MarketSim;

// An explicit entry point in our namespace: a top-level one would add a public global `Program`
// that collides with the gateway's in test projects that reference both.
internal static class Program
{
    private static void Main(string[] args) => MarketSimApp.Create(args).Run();
}
