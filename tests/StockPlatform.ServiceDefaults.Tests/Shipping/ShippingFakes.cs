using System.Collections.Concurrent;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StockPlatform.ServiceDefaults.Logging.Shipping;

namespace StockPlatform.ServiceDefaults.Tests.Shipping;

/// <summary>A log store in memory that can be made to fail or hang, as PostgreSQL can.</summary>
internal sealed class FakeLogWriter : ILogBatchWriter
{
    private readonly ConcurrentQueue<LogRecord> _written = new();
    private volatile bool _failing;
    private volatile bool _hanging;
    private int _attempts;

    /// <summary>Called inside each write, before it succeeds or fails (a store client that logs, say).</summary>
    public Action? DuringWrite { get; set; }

    public IReadOnlyList<LogRecord> Written => [.. _written];

    public int Attempts => Volatile.Read(ref _attempts);

    /// <summary>Every write throws until set back.</summary>
    public bool Failing { get => _failing; set => _failing = value; }

    /// <summary>Every write never returns, whatever its token says, until set back.</summary>
    public bool Hanging { get => _hanging; set => _hanging = value; }

    public async Task WriteAsync(IReadOnlyList<LogRecord> batch, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _attempts);
        DuringWrite?.Invoke();
        while (_hanging) await Task.Delay(20, CancellationToken.None);
        if (_failing) throw new InvalidOperationException("the log store is unreachable");
        foreach (var record in batch) _written.Enqueue(record);
    }
}

/// <summary>Keeps what a logger was told (the shipper's own warnings).</summary>
internal sealed class ListLogger<T> : ILogger<T>
{
    private readonly ConcurrentQueue<(LogLevel Level, string Message)> _entries = new();

    public IReadOnlyList<(LogLevel Level, string Message)> Entries => [.. _entries];

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

    public bool IsEnabled(LogLevel logLevel) => true;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
        _entries.Enqueue((logLevel, formatter(state, exception)));
}

internal sealed class FakeEnvironment(string applicationName) : IHostEnvironment
{
    public string EnvironmentName { get; set; } = "Development";

    public string ApplicationName { get; set; } = applicationName;

    public string ContentRootPath { get; set; } = AppContext.BaseDirectory;

    public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
}
