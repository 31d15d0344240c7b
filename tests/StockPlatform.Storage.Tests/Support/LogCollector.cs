using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace StockPlatform.Storage.Tests.Support;

/// <summary>Keeps a host's log messages, so a test can count what the library reported doing.</summary>
internal sealed class LogCollector : ILoggerProvider
{
    private readonly ConcurrentQueue<(string Category, string Message)> _messages = new();

    /// <summary>Messages logged under a category ending with <paramref name="categorySuffix"/> (e.g. the class name).</summary>
    public IReadOnlyList<string> Messages(string categorySuffix) =>
        _messages.Where(m => m.Category.EndsWith(categorySuffix, StringComparison.Ordinal)).Select(m => m.Message).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _messages);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<(string Category, string Message)> messages) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        // The library's own messages are what the tests look at, not Npgsql's.
        public bool IsEnabled(LogLevel logLevel) =>
            logLevel >= LogLevel.Information && !category.StartsWith("Npgsql", StringComparison.Ordinal);

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel)) messages.Enqueue((category, formatter(state, exception)));
        }
    }
}
