using System.Collections.Concurrent;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StockPlatform.Archive;
using StockPlatform.MarketData.Calendar;
using StockPlatform.MarketData.Domain;
using StockPlatform.Storage.Aggregates;
using StockPlatform.Storage.Bars;
using StockPlatform.Storage.Calendar;
using StockPlatform.Testing;

namespace StockPlatform.IntegrationTests.Gateway.BadInput;

/// <summary>
/// The gateway the bad requests go to, in-process: a database of its own holding a session of
/// SPY's bars, an archive holding that session (so the SQL box has views to attack), a rate limit
/// high enough that the flood is not what is tested, and two recorders: which route each request
/// reached, and every log record the gateway wrote that holds a secret.
/// </summary>
public sealed class BadInputGateway : IAsyncLifetime
{
    private readonly EndpointRecorder _recorder = new();

    public string ArchiveRoot { get; } = Path.Combine(Path.GetTempPath(), "sp-bad-input-" + Guid.NewGuid().ToString("N"));

    internal ThrowawayDatabase Database { get; private set; } = null!;

    public WebApplicationFactory<Program> Factory { get; private set; } = null!;

    public HttpClient Client { get; private set; } = null!;

    /// <summary>The API key, and the passwords of the servers the gateway talks to: nothing may echo or log them.</summary>
    public IReadOnlyList<string> Secrets { get; private set; } = [];

    /// <summary>Log records (any level, any category) that held a secret.</summary>
    public SecretLogCapture Logs { get; } = new();

    /// <summary>The route each numbered request reached (<see cref="BadInputRunner.CaseHeader"/>).</summary>
    public IReadOnlyDictionary<int, string> RoutesHit => _recorder.Hits;

    /// <summary>The state before any bad request.</summary>
    internal StateSnapshot Before { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Database = await ThrowawayDatabase.CreateAsync(TestServers.PostgresConnectionString, "bad_", TestServers.Hint);
        Secrets = [BadInputCatalog.Key, .. BadInputRunner.PasswordsOf(Database.ConnectionString, TestServers.MessagingConnectionString)];
        Logs.Watch(Secrets);
        Factory = InProcessGateway.Create(Database.ConnectionString, "bad", BadInputCatalog.Key,
                ("Gateway:RequestsPerSecond", "100000"), ("Archive:Root", ArchiveRoot), ("Gateway:SqlTimeoutSeconds", "3"))
            .WithWebHostBuilder(web =>
            {
                web.ConfigureServices(services => services.AddSingleton<IStartupFilter>(_recorder));
                web.ConfigureLogging(logging => logging.AddProvider(Logs).AddFilter<SecretLogCapture>(null, LogLevel.Trace));
            });
        Client = Factory.CreateClient();

        var day = new DateOnly(2024, 3, 4);
        var open = NewYorkTime.StartOfDay(day).AddHours(9.5);
        await Factory.Services.GetRequiredService<CalendarStore>().SaveRangeAsync(new(2024, 3, 1), new(2024, 3, 31), [.. NyseCalendar.GetTradingDays(new(2024, 3, 1), new(2024, 3, 31))]);
        await Factory.Services.GetRequiredService<BarStore>().UpsertAsync(Symbol.Parse("SPY"), "iex",
            [.. Enumerable.Range(0, 390).Select(i => new Bar(open.AddMinutes(i), 500m, 501m, 499m, 500.5m, 100, 2, 500.2m))]);
        await Factory.Services.GetRequiredService<SessionArchiver>().ArchiveAsync(Symbol.Parse("SPY"), day);

        // The seeded bars' aggregate refresh, done now: a background refresh later would look like a change.
        if (Factory.Services.GetService<AggregateRefresher>() is { } refresher) await refresher.RefreshAsync(force: true);

        // One good query first: whatever the SQL box sets up on its first use is not a bad request's doing.
        using var warmUp = new HttpRequestMessage(HttpMethod.Post, "/archive/sql") { Content = BadBody.Json(new { sql = "SELECT count(*) FROM bars" }).ToContent() };
        warmUp.Headers.Add("X-Api-Key", BadInputCatalog.Key);
        using var answer = await Client.SendAsync(warmUp);
        answer.EnsureSuccessStatusCode();
        Before = await StateSnapshot.TakeAsync(Database.ConnectionString, ArchiveRoot);
    }

    /// <summary>Asserts that the database and the archive are as they were before the first bad request, and that no log record held a secret.</summary>
    public async Task AssertNothingChangedAsync()
    {
        var after = await StateSnapshot.TakeAsync(Database.ConnectionString, ArchiveRoot);
        var differences = after.DifferencesFrom(Before);
        Assert.True(differences.Count == 0, "bad requests changed the state:\n" + string.Join('\n', differences));
        Assert.True(Logs.Leaks.IsEmpty, "the gateway logged a secret:\n" + string.Join('\n', Logs.Leaks.Take(5)));
        var shipped = await StateSnapshot.LoggedSecretsAsync(Database.ConnectionString, Secrets);
        Assert.True(shipped.Count == 0, $"log records {string.Join(", ", shipped.Take(10))} in the database hold a secret");
    }

    /// <summary>Every route the gateway maps, as "METHODS pattern".</summary>
    public IReadOnlyList<string> MappedRoutes() =>
        [.. Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>().Select(EndpointRecorder.Describe).Distinct().Order(StringComparer.Ordinal)];

    public async Task DisposeAsync()
    {
        Client.Dispose();
        await Factory.DisposeAsync();
        await Database.DisposeAsync();
        if (Directory.Exists(ArchiveRoot)) Directory.Delete(ArchiveRoot, recursive: true);
    }

    /// <summary>Notes the route (endpoint) each numbered request was matched to, whatever answered it.</summary>
    private sealed class EndpointRecorder : IStartupFilter
    {
        public ConcurrentDictionary<int, string> Hits { get; } = new();

        public static string Describe(RouteEndpoint endpoint) =>
            $"{string.Join('|', endpoint.Metadata.GetMetadata<IHttpMethodMetadata>()?.HttpMethods is { Count: > 0 } methods ? methods : ["*"])} {endpoint.RoutePattern.RawText}";

        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                await nextMiddleware(context);
                if (context.Request.Headers.TryGetValue(BadInputRunner.CaseHeader, out var value) && int.TryParse(value, out var number)
                    && context.GetEndpoint() is RouteEndpoint endpoint)
                    Hits[number] = Describe(endpoint);
            });
            next(app);
        };
    }
}

/// <summary>A logger provider that keeps every log record holding one of the watched secrets (in its message, its values or its exception).</summary>
public sealed class SecretLogCapture : ILoggerProvider
{
    private string[] _secrets = [];

    public ConcurrentQueue<string> Leaks { get; } = new();

    /// <summary>Records written, to show the capture saw the traffic.</summary>
    public int Records => _records;

    private int _records;

    public void Watch(IEnumerable<string> secrets) => _secrets = [.. secrets];

    public ILogger CreateLogger(string categoryName) => new Capture(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Capture(SecretLogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            Interlocked.Increment(ref owner._records);
            var text = formatter(state, exception) + " " + exception
                + (state is IEnumerable<KeyValuePair<string, object?>> values ? " " + string.Join(" ", values.Select(v => $"{v.Key}={v.Value}")) : "");
            if (owner._secrets.Any(secret => text.Contains(secret, StringComparison.Ordinal))) owner.Leaks.Enqueue($"{logLevel} {category}: {text[..Math.Min(text.Length, 300)]}");
        }
    }
}
