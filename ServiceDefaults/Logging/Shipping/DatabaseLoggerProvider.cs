using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StockPlatform.ServiceDefaults.Agents;

namespace StockPlatform.ServiceDefaults.Logging.Shipping;

/// <summary>
/// Logs into the <see cref="LogBacklog"/>, from which <c>LogShipper</c> writes batches to the
/// central log store. Filtered as <c>Logging:Database:LogLevel:*</c>. A log call only builds the
/// record and queues it: it never waits for the store and never throws.
/// </summary>
[ProviderAlias("Database")]
public sealed class DatabaseLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private readonly LogBacklog _backlog;
    private readonly LogIdentity _identity;
    private IExternalScopeProvider? _scopes;

    /// <summary>Creates the provider; the process's <see cref="AgentIdentity"/>, if any, is looked up in <paramref name="services"/> at the first entry.</summary>
    public DatabaseLoggerProvider(LogBacklog backlog, IServiceProvider services, IHostEnvironment environment)
    {
        _backlog = backlog;
        _identity = new LogIdentity(services, environment.ApplicationName);
    }

    /// <inheritdoc />
    public ILogger CreateLogger(string categoryName) => new DatabaseLogger(this, categoryName);

    /// <inheritdoc />
    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    /// <inheritdoc />
    public void Dispose()
    {
    }

    private void Ship<TState>(string category, LogLevel level, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        // The shipper's own writes (Npgsql's logs about them) would feed themselves back.
        if (LogShipper.IsWriting) return;
        try
        {
            var message = formatter(state, exception);
            if (message is null && exception is null) return;
            var fields = LogFields.Collect(state, _scopes);
            var (traceId, spanId) = LogFields.CurrentTrace();
            var (agent, instance) = _identity.Get();
            // The wall clock, as on the console line, whatever clock the application simulates.
            _backlog.Add(new LogRecord(DateTimeOffset.UtcNow, level, fields.Agent ?? agent, instance, category,
                fields.Symbol, fields.Stage, message ?? string.Empty, traceId, spanId, exception?.ToString(), fields.PropsJson()));
        }
        catch (Exception)
        {
            // A state or formatter that throws loses its record, not the caller's work; it is counted.
            _backlog.CountDropped();
        }
    }

    private sealed class DatabaseLogger(DatabaseLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider._scopes?.Push(state);

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) provider.Ship(category, logLevel, state, exception, formatter);
        }
    }
}
