using StockPlatform.Bench.Archive;
using StockPlatform.Bench.Features;
using StockPlatform.Bench.Gateway;
using StockPlatform.Bench.Ingest;
using StockPlatform.Bench.Live;
using StockPlatform.Bench.Load;
using StockPlatform.Bench.Logs;
using StockPlatform.Bench.Platform;
using StockPlatform.Bench.Report;
using StockPlatform.Bench.Soak;
using StockPlatform.Bench.Storage;
using StockPlatform.Bench.Throttle;

// One benchmark per subcommand; each prints a table and one JSON line with its ratios.
return args.FirstOrDefault() switch
{
    "throttle" => await ThrottleBenchmark.RunAsync(args[1..]),
    "upsert" => await UpsertBenchmark.RunAsync(args[1..]),
    "ticks" => await TickBenchmark.RunAsync(args[1..]),
    "read" => await ReadBenchmark.RunAsync(args[1..]),
    "ingest" => await IngestBenchmark.RunAsync(args[1..]),
    "live" => await LiveStreamBenchmark.RunAsync(args[1..]),
    "load" => await LoadBenchmark.RunAsync(args[1..]),
    "soak" when OperatingSystem.IsLinux() => await SoakBenchmark.RunAsync(args[1..]),
    "gateway-read" => await GatewayReadBenchmark.RunAsync(args[1..]),
    "archive" => await ArchiveBenchmark.RunAsync(args[1..]),
    "features" => await FeatureBenchmark.RunAsync(args[1..]),
    "logs" => await LogShippingBenchmark.RunAsync(args[1..]),
    "startup" when !OperatingSystem.IsWindows() => await StartupBenchmark.RunAsync(args[1..]),
    "report" => await ReportCommand.RunAsync(args[1..]),
    _ => Usage(),
};

static int Usage()
{
    Console.Error.WriteLine("""
        usage: StockPlatform.Bench throttle [--pages N] [--limit L] [--window-seconds W]
               StockPlatform.Bench upsert [--rows 1000000] [--batch 50000] [--connection CS]
               StockPlatform.Bench ticks [--trades 300000] [--quotes 1000000] [--batch 10000] [--symbols 5] [--days 2] [--runs 2] [--path plain|timescale] [--connection CS]
               StockPlatform.Bench read [--rows 1050000] [--runs 7] [--connection CS]
               StockPlatform.Bench archive [--symbols 10] [--days 252] [--runs 5] [--path plain|timescale] [--connection CS]
               StockPlatform.Bench features [--symbols 10] [--days 252] [--runs 5] [--path plain|timescale] [--connection CS]
               StockPlatform.Bench ingest [--shape weeks|year|all] [--limit 60] [--window-seconds 60] [--concurrency 4] [--window-days 91] [--path plain|timescale] [--connection CS] [--messaging AMQP]
               StockPlatform.Bench gateway-read [--reads 64] [--rows 245000] [--path plain|timescale] [--connection CS] [--messaging AMQP]
               StockPlatform.Bench live [--symbols 50] [--bars 10000] [--speed 60] [--sweep 120,240,480,960,1920,3840] [--sweep-minutes 40] [--batch-window hh:mm:ss.fff] [--path plain|timescale] [--connection CS] [--messaging AMQP]
               StockPlatform.Bench load [--clients 64] [--seconds 60] [--symbols 20] [--days 60] [--backfill-symbols 10] [--features on|off] [--p99-bound 2.0] [--path plain|timescale] [--connection CS] [--messaging AMQP]
               StockPlatform.Bench soak [--symbols 50] [--speed 96] [--sim-hours 24] [--sample-seconds 5] [--out DIR] [--path plain|timescale] [--connection CS] [--messaging AMQP]
               StockPlatform.Bench logs [--records 200000] [--path plain|timescale] [--connection CS]
               StockPlatform.Bench startup [--runs 3] [--idle-seconds 20]
               StockPlatform.Bench report --in DIR [--out docs/benchmarks.md] [--connection CS]
        upsert, ticks, read, archive, features, logs, ingest, gateway-read, live, load and soak create (and drop) a temporary database on the server of --connection or ConnectionStrings__stockplatform;
        ingest, gateway-read, live, load and soak also need RabbitMQ (--messaging or ConnectionStrings__messaging) and run the built gateway (and agents);
        soak reads /proc (Linux) for every service's memory, handles and threads;
        startup runs the built AppHost with this machine's PostgreSQL and RabbitMQ (Infrastructure=local);
        report writes docs/benchmarks.md from the results directory scripts/bench.sh fills (each run's output and exit code).
        """);
    return 2;
}
