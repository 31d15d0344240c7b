using System.Diagnostics;
using System.Text.Json;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StockPlatform.ServiceDefaults.Agents;
using StockPlatform.ServiceDefaults.Logging;
using StockPlatform.ServiceDefaults.Logging.Shipping;

namespace StockPlatform.ServiceDefaults.Tests.Shipping;

public sealed class LogShippingTests
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>A database logger, its backlog and shipper, writing to a fake store.</summary>
    private sealed class Shipping : IAsyncDisposable
    {
        private readonly LoggerFactory _factory;
        private bool _started;

        public Shipping(LogShippingOptions options, IServiceProvider? services = null, string application = "StockPlatform.Ingestion", params ILoggerProvider[] others)
        {
            Backlog = new LogBacklog(options.Capacity);
            Provider = new DatabaseLoggerProvider(Backlog, services ?? new ServiceCollection().BuildServiceProvider(), new FakeEnvironment(application));
            _factory = new LoggerFactory([Provider, .. others], new LoggerFilterOptions { MinLevel = LogLevel.Trace });
            Shipper = new LogShipper(Backlog, Writer, Options.Create(options), TimeProvider.System, ShipperLog);
        }

        public LogBacklog Backlog { get; }

        public DatabaseLoggerProvider Provider { get; }

        public FakeLogWriter Writer { get; } = new();

        public ListLogger<LogShipper> ShipperLog { get; } = new();

        public LogShipper Shipper { get; }

        public ILogger Logger(string category = "StockPlatform.Tests") => _factory.CreateLogger(category);

        public async Task StartAsync()
        {
            await Shipper.StartAsync(CancellationToken.None);
            _started = true;
        }

        public async Task StopAsync()
        {
            if (!_started) return;
            _started = false;
            await Shipper.StopAsync(CancellationToken.None);
        }

        public async ValueTask DisposeAsync()
        {
            Writer.Hanging = false;
            await StopAsync();
            Shipper.Dispose();
            _factory.Dispose();
        }
    }

    private static LogShippingOptions Fast(int capacity = 1000, int batchSize = 100) => new()
    {
        Capacity = capacity,
        BatchSize = batchSize,
        FlushInterval = TimeSpan.FromMilliseconds(20),
        RetryBaseDelay = TimeSpan.FromMilliseconds(10),
        RetryMaxDelay = TimeSpan.FromMilliseconds(50),
        WriteTimeout = TimeSpan.FromMilliseconds(500),
        ShutdownTimeout = TimeSpan.FromSeconds(2),
    };

    private static async Task WaitUntilAsync(Func<bool> condition, string what)
    {
        var clock = Stopwatch.StartNew();
        while (!condition())
        {
            if (clock.Elapsed > Patience) throw new TimeoutException($"still waiting for {what} after {Patience.TotalSeconds} s");
            await Task.Delay(10);
        }
    }

    [Fact]
    public async Task A_full_backlog_drops_the_oldest_records_and_counts_each_one()
    {
        await using var shipping = new Shipping(Fast(capacity: 100));
        var logger = shipping.Logger();

        for (var i = 0; i < 250; i++) logger.LogInformation("record {Number}", i);

        Assert.Equal(100, shipping.Backlog.Count);
        Assert.Equal(150, shipping.Backlog.Dropped);
        await shipping.StartAsync();
        await shipping.StopAsync();
        Assert.Equal(Enumerable.Range(150, 100).Select(i => $"record {i}"), shipping.Writer.Written.Select(r => r.Message));
    }

    [Fact]
    public async Task Logging_never_waits_for_a_store_that_hangs_and_a_shutdown_gives_up_in_time()
    {
        var options = Fast(capacity: 1000);
        options.ShutdownTimeout = TimeSpan.FromMilliseconds(300);
        await using var shipping = new Shipping(options);
        shipping.Writer.Hanging = true;
        await shipping.StartAsync();
        var logger = shipping.Logger();
        logger.LogInformation("the first record");
        await WaitUntilAsync(() => shipping.Writer.Attempts > 0, "the first write");

        var clock = Stopwatch.StartNew();
        for (var i = 0; i < 50_000; i++) logger.LogWarning("record {Number} about {Symbol}", i, "SPY");
        clock.Stop();

        // 50,000 calls that only queue: far under a second even on a busy machine, where waiting on the store would never end.
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(5), $"50,000 log calls took {clock.Elapsed}");
        Assert.Equal(1000, shipping.Backlog.Count);
        Assert.Equal(50_000 - 1000, shipping.Backlog.Dropped);

        var stopping = Stopwatch.StartNew();
        await shipping.StopAsync();
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(5), $"the shutdown took {stopping.Elapsed}");
        Assert.Contains(shipping.ShipperLog.Entries, e => e.Level == LogLevel.Warning && e.Message.Contains("1001 log records were not shipped at shutdown", StringComparison.Ordinal));
        Assert.Empty(shipping.Writer.Written);
    }

    [Fact]
    public async Task A_failing_store_gets_the_batch_again_and_its_recovery_says_once_how_many_records_were_dropped()
    {
        await using var shipping = new Shipping(Fast(capacity: 100, batchSize: 50));
        shipping.Writer.Failing = true;
        await shipping.StartAsync();
        var logger = shipping.Logger();
        logger.LogInformation("record {Number}", 0);
        await WaitUntilAsync(() => shipping.Writer.Attempts >= 3, "three failed writes");

        // The batch in hand keeps record 0; the backlog keeps the newest 100 of the rest.
        for (var i = 1; i < 300; i++) logger.LogInformation("record {Number}", i);
        Assert.Equal(199, shipping.Backlog.Dropped);
        shipping.Writer.Failing = false;
        await WaitUntilAsync(() => shipping.Writer.Written.Count == 101, "the backlog to drain");

        Assert.Equal(new[] { 0 }.Concat(Enumerable.Range(200, 100)).Select(i => $"record {i}"), shipping.Writer.Written.Select(r => r.Message));
        var warnings = shipping.ShipperLog.Entries.Where(e => e.Level == LogLevel.Warning).Select(e => e.Message).ToList();
        Assert.Single(warnings, w => w.StartsWith("Shipping logs to the log store failed (the log store is unreachable)", StringComparison.Ordinal));
        var recovered = Assert.Single(warnings, w => w.StartsWith("Shipping logs to the log store works again", StringComparison.Ordinal));
        Assert.Contains("199 records were dropped meanwhile (the backlog holds 100)", recovered, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_clean_shutdown_writes_everything_still_queued_in_order()
    {
        var options = Fast(capacity: 10_000, batchSize: 100);
        // Nothing is written on its own within the test: only the shutdown writes.
        options.FlushInterval = TimeSpan.FromMinutes(1);
        options.BatchSize = 10_000;
        await using var shipping = new Shipping(options);
        await shipping.StartAsync();
        var logger = shipping.Logger();
        for (var i = 0; i < 2_500; i++) logger.LogInformation("record {Number}", i);
        await Task.Delay(50);
        Assert.Empty(shipping.Writer.Written);

        await shipping.StopAsync();

        Assert.Equal(Enumerable.Range(0, 2_500).Select(i => $"record {i}"), shipping.Writer.Written.Select(r => r.Message));
        Assert.Equal(0, shipping.Backlog.Dropped);
        Assert.DoesNotContain(shipping.ShipperLog.Entries, e => e.Level >= LogLevel.Warning);
    }

    [Fact]
    public async Task What_the_store_client_logs_while_the_shipper_writes_is_not_shipped()
    {
        await using var shipping = new Shipping(Fast());
        var client = shipping.Logger("Npgsql.Command");
        shipping.Writer.DuringWrite = () => client.LogWarning("a write the store client reports on");
        await shipping.StartAsync();

        shipping.Logger().LogInformation("from the service");
        await WaitUntilAsync(() => shipping.Writer.Written.Count == 1, "the service's record");
        // The same client logging outside a write is shipped as usual.
        client.LogWarning("outside a write");
        await WaitUntilAsync(() => shipping.Writer.Written.Count == 2, "the client's own record");
        await Task.Delay(100);

        Assert.Equal(["from the service", "outside a write"], shipping.Writer.Written.Select(r => r.Message));
        Assert.True(shipping.Writer.Attempts >= 2);
    }

    [Fact]
    public async Task A_shipped_record_carries_the_same_fields_as_the_console_line()
    {
        var console = new ConsoleCapture();
        await using var shipping = new Shipping(Fast(), others: console);
        var logger = shipping.Logger("StockPlatform.Ingestion.Backfill.BatchBackfiller");
        Exception caught;
        try { throw new InvalidOperationException("boom"); }
        catch (InvalidOperationException ex) { caught = ex; }
        using var activity = new Activity("test").SetIdFormat(ActivityIdFormat.W3C).Start();

        using (logger.BeginWorkScope(agent: "ingestion", symbol: "SPY", stage: "outer"))
        using (logger.BeginScope(new Dictionary<string, object?> { ["JobId"] = 7, ["stage"] = "fetch" }))
        {
            logger.LogError(caught, "Page {Page} failed with {ApiKey} after {Elapsed} ms at {When}", 3, "AKsecret", 12.5, new DateTimeOffset(2024, 1, 2, 14, 30, 0, TimeSpan.Zero));
        }

        using var line = JsonDocument.Parse(Assert.Single(console.Lines));
        var root = line.RootElement;
        var record = Assert.Single(shipping.Backlog.Reader.ReadAllAsync().ToBlockingEnumerable().Take(1));
        Assert.Equal(root.GetProperty("level").GetString(), record.Level.ToString());
        Assert.Equal(root.GetProperty("category").GetString(), record.Category);
        Assert.Equal(root.GetProperty("message").GetString(), record.Message);
        Assert.Equal(root.GetProperty("trace_id").GetString(), record.TraceId);
        Assert.Equal(root.GetProperty("span_id").GetString(), record.SpanId);
        Assert.Equal(root.GetProperty("agent").GetString(), record.Agent);
        Assert.Equal(root.GetProperty("symbol").GetString(), record.Symbol);
        Assert.Equal("fetch", record.Stage);
        Assert.Equal(root.GetProperty("stage").GetString(), record.Stage);
        Assert.Equal(root.GetProperty("exception").GetString(), record.Exception);
        Assert.Equal(root.GetProperty("props").GetRawText(), record.Props);
        using var props = JsonDocument.Parse(record.Props!);
        Assert.Equal("***", props.RootElement.GetProperty("ApiKey").GetString());
        Assert.Equal(7, props.RootElement.GetProperty("JobId").GetInt32());
        Assert.DoesNotContain("AKsecret", record.Props, StringComparison.Ordinal);
        Assert.True(Math.Abs((DateTimeOffset.Parse(root.GetProperty("timestamp").GetString()!, System.Globalization.CultureInfo.InvariantCulture) - record.Timestamp).TotalSeconds) < 5);
    }

    [Fact]
    public async Task A_record_names_the_process_identity_and_a_scope_may_name_another_agent()
    {
        var identity = AgentIdentity.ForCurrentProcess("livestream");
        var services = new ServiceCollection().AddSingleton(identity).BuildServiceProvider();
        await using var shipping = new Shipping(Fast(), services);
        var logger = shipping.Logger();

        logger.LogInformation("plain");
        using (logger.BeginWorkScope(agent: "features")) logger.LogInformation("scoped");

        var records = shipping.Backlog.Reader.ReadAllAsync().ToBlockingEnumerable().Take(2).ToList();
        Assert.Equal(("livestream", identity.Instance), (records[0].Agent, records[0].Instance));
        Assert.Equal(("features", identity.Instance), (records[1].Agent, records[1].Instance));
        Assert.Null(records[0].TraceId);
    }

    [Fact]
    public async Task Without_an_identity_a_record_names_the_application_and_no_instance()
    {
        await using var shipping = new Shipping(Fast(), application: "StockPlatform.Ingestion");

        shipping.Logger().LogInformation("plain");

        var record = shipping.Backlog.Reader.ReadAllAsync().ToBlockingEnumerable().First();
        Assert.Equal("ingestion", record.Agent);
        Assert.Null(record.Instance);
        Assert.Equal("othertool", LogIdentity.DefaultAgentName("OtherTool"));
    }

    [Fact]
    public async Task A_state_that_throws_while_formatting_loses_only_its_record_and_is_counted()
    {
        await using var shipping = new Shipping(Fast());
        var logger = shipping.Logger();

        logger.Log(LogLevel.Information, new EventId(1), "state", null, (_, _) => throw new FormatException("bad state"));
        logger.LogInformation("after it");

        Assert.Equal(1, shipping.Backlog.Dropped);
        Assert.Equal("after it", shipping.Backlog.Reader.ReadAllAsync().ToBlockingEnumerable().First().Message);
    }

    [Fact]
    public void The_back_off_doubles_from_the_base_delay_up_to_the_cap()
    {
        var options = new LogShippingOptions { RetryBaseDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromSeconds(30) };
        using var shipper = new LogShipper(new LogBacklog(100), new FakeLogWriter(), Options.Create(options), TimeProvider.System, NullLogger<LogShipper>.Instance);

        foreach (var (failures, expected) in new[] { (1, 1.0), (2, 2.0), (3, 4.0), (5, 16.0), (6, 30.0), (60, 30.0) })
        {
            var delay = shipper.Backoff(failures).TotalSeconds;
            Assert.InRange(delay, expected * 0.8, expected * 1.2);
        }
    }

    [Fact]
    public void The_database_logger_takes_information_and_up_but_framework_chatter_only_from_warning_unless_configured()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ApplicationName = "StockPlatform.Gateway", EnvironmentName = "Production" });
        // Settings before and after the call both override its defaults; the console's level does not touch the database's.
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Error",
            ["Logging:Database:LogLevel:StockPlatform.Noisy"] = "Error",
        });
        builder.Services.AddSingleton<FakeLogWriter>();
        builder.AddDatabaseLogging<FakeLogWriter>();
        builder.AddDatabaseLogging<FakeLogWriter>();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:Database:LogLevel:Microsoft.AspNetCore.Hosting"] = "Information" });
        using var host = builder.Build();
        var factory = host.Services.GetRequiredService<ILoggerFactory>();

        factory.CreateLogger("StockPlatform.Gateway.Apis").LogInformation("own information");
        factory.CreateLogger("StockPlatform.Gateway.Apis").LogDebug("own debug");
        factory.CreateLogger("StockPlatform.Noisy.Thing").LogWarning("noisy warning");
        factory.CreateLogger("StockPlatform.Noisy.Thing").LogError("noisy error");
        factory.CreateLogger("Microsoft.EntityFrameworkCore").LogInformation("framework information");
        factory.CreateLogger("Microsoft.EntityFrameworkCore").LogWarning("framework warning");
        factory.CreateLogger("Npgsql.Command").LogInformation("client information");
        factory.CreateLogger("System.Net.Http.HttpClient.Default").LogInformation("http information");
        factory.CreateLogger("Microsoft.Hosting.Lifetime").LogInformation("lifetime information");
        factory.CreateLogger("Microsoft.AspNetCore.Hosting.Diagnostics").LogInformation("request information");

        var backlog = host.Services.GetRequiredService<LogBacklog>();
        var shipped = backlog.Reader.ReadAllAsync().ToBlockingEnumerable().Take(backlog.Count).Select(r => r.Message).ToList();
        Assert.Equal(["own information", "noisy error", "framework warning", "lifetime information", "request information"], shipped);
        Assert.Single(host.Services.GetServices<ILoggerProvider>().OfType<DatabaseLoggerProvider>());
    }

    [Theory]
    [InlineData("Capacity", "5", "Capacity")]
    [InlineData("RetryMaxDelay", "00:00:00.001", "Logging:Database:RetryMaxDelay must be from")]
    [InlineData("FlushInterval", "00:10:00", "Logging:Database:FlushInterval must be from")]
    public void Settings_out_of_range_stop_the_service_at_start(string setting, string value, string expected)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [$"Logging:Database:{setting}"] = value });
        builder.Services.AddSingleton<FakeLogWriter>();
        builder.AddDatabaseLogging<FakeLogWriter>();

        var error = Assert.Throws<OptionsValidationException>(() =>
        {
            using var host = builder.Build();
            host.Start();
        });
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Switched_off_it_adds_no_logger()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { EnvironmentName = "Production" });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["Logging:Database:Enabled"] = "false" });
        builder.AddDatabaseLogging<FakeLogWriter>();
        using var host = builder.Build();

        Assert.Empty(host.Services.GetServices<ILoggerProvider>().OfType<DatabaseLoggerProvider>());
        Assert.Null(host.Services.GetService<LogBacklog>());
    }

    /// <summary>Runs the console formatter on every entry, with the factory's scopes, as the console logger does.</summary>
    private sealed class ConsoleCapture : ILoggerProvider, ISupportExternalScope
    {
        private readonly JsonLineConsoleFormatter _formatter = new();
        private IExternalScopeProvider? _scopes;

        public List<string> Lines { get; } = [];

        public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

        public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

        public void Dispose()
        {
        }

        private sealed class Logger(ConsoleCapture owner, string category) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes?.Push(state);

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            {
                using var writer = new StringWriter();
                owner._formatter.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), owner._scopes, writer);
                owner.Lines.Add(writer.ToString());
            }
        }
    }
}
