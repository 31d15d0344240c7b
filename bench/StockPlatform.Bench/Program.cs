using StockPlatform.Bench.Throttle;

// One benchmark per subcommand; each prints a table and one JSON line with its ratios.
return args.FirstOrDefault() switch
{
    "throttle" => await ThrottleBenchmark.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("usage: StockPlatform.Bench throttle [--pages N] [--limit L] [--window-seconds W]");
    return 2;
}
