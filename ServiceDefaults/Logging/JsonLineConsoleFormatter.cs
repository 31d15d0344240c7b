using System.Buffers;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace StockPlatform.ServiceDefaults.Logging;

/// <summary>
/// Writes one flat JSON object per line: <c>timestamp</c>, <c>level</c>, <c>category</c>,
/// <c>message</c>, <c>trace_id</c>/<c>span_id</c>, the well-known fields <c>agent</c>,
/// <c>symbol</c> and <c>stage</c> lifted from scopes or state (<c>agent</c> and <c>instance</c>
/// of the process otherwise), everything else under
/// <c>props</c>, and <c>exception</c>. Flat fields (rather than the built-in formatter's scope
/// array) are what log shippers and our own <c>logs</c> table index on.
/// </summary>
public sealed class JsonLineConsoleFormatter : ConsoleFormatter
{
    /// <summary>The name to select this formatter with (<c>Logging:Console:FormatterName</c>).</summary>
    public const string FormatterName = "stockplatform-json";

    private readonly LogIdentity? _identity;

    /// <summary>Creates the formatter; lines name an agent only where a scope does.</summary>
    public JsonLineConsoleFormatter() : base(FormatterName)
    {
    }

    /// <summary>
    /// Creates the formatter as the host does: a line outside any agent scope names the process's
    /// agent (its <c>AgentIdentity</c>, else the application) and its instance.
    /// </summary>
    public JsonLineConsoleFormatter(IServiceProvider services, IHostEnvironment environment) : base(FormatterName)
    {
        _identity = new LogIdentity(services, environment.ApplicationName);
    }

    /// <inheritdoc />
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null) return;

        var fields = LogFields.Collect(logEntry.State, scopeProvider);

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, LogFields.WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", DateTime.UtcNow.ToString("O"));
            json.WriteString("level", logEntry.LogLevel.ToString());
            json.WriteString("category", logEntry.Category);
            json.WriteString("message", message ?? string.Empty);
            if (logEntry.EventId.Id != 0) json.WriteNumber("event_id", logEntry.EventId.Id);

            var (traceId, spanId) = LogFields.CurrentTrace();
            if (traceId is not null)
            {
                json.WriteString("trace_id", traceId);
                json.WriteString("span_id", spanId);
            }

            if (_identity is not null)
            {
                var (agent, instance) = _identity.Get();
                if (fields.Agent is null) json.WriteString(LogScopes.Agent, agent);
                if (instance is not null) json.WriteString("instance", instance);
            }
            fields.WriteWellKnown(json);

            if (fields.Props.Count > 0)
            {
                json.WriteStartObject("props");
                fields.WriteProps(json);
                json.WriteEndObject();
            }

            if (logEntry.Exception is { } exception) json.WriteString("exception", exception.ToString());
            json.WriteEndObject();
        }

        textWriter.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write('\n');
    }
}
