using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace StockPlatform.Bench.Support;

/// <summary>
/// Records the SQL Npgsql reports having executed (its "command execution completed" event, whose
/// <c>CommandText</c> is the text sent to the server, parameters numbered $1, $2, ...), only while
/// <see cref="Recording"/> is on, so the timed runs pay nothing for it.
/// </summary>
internal sealed class SqlCapture : ILoggerProvider
{
    private readonly ConcurrentQueue<string> _commands = new();
    private volatile bool _recording;

    public bool Recording
    {
        get => _recording;
        set => _recording = value;
    }

    /// <summary>Takes what was recorded so far.</summary>
    public List<string> Drain()
    {
        var commands = new List<string>();
        while (_commands.TryDequeue(out var command)) commands.Add(command);
        return commands;
    }

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName.StartsWith("Npgsql", StringComparison.Ordinal));

    public void Dispose()
    {
    }

    /// <summary>The text with every run of whitespace made one space: layout is not part of a query.</summary>
    public static string Normalize(string sql) => string.Join(' ', sql.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));

    private sealed class Logger(SqlCapture capture, bool npgsql) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => npgsql && capture.Recording;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel) || state is not IEnumerable<KeyValuePair<string, object?>> values) return;
            foreach (var (key, value) in values)
            {
                if (key == "CommandText" && value is string text) capture._commands.Enqueue(text);
            }
        }
    }
}
