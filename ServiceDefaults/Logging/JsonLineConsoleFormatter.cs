using System.Buffers;
using System.Diagnostics;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;

namespace StockPlatform.ServiceDefaults.Logging;

/// <summary>
/// Writes one flat JSON object per line: <c>timestamp</c>, <c>level</c>, <c>category</c>,
/// <c>message</c>, <c>trace_id</c>/<c>span_id</c>, the well-known fields <c>agent</c>,
/// <c>symbol</c> and <c>stage</c> lifted from scopes or state, everything else under
/// <c>props</c>, and <c>exception</c>. Flat fields (rather than the built-in formatter's scope
/// array) are what log shippers and our own <c>logs</c> table index on.
/// </summary>
public sealed class JsonLineConsoleFormatter : ConsoleFormatter
{
    /// <summary>The name to select this formatter with (<c>Logging:Console:FormatterName</c>).</summary>
    public const string FormatterName = "stockplatform-json";

    private const string OriginalFormatKey = "{OriginalFormat}";

    // Relaxed escaping keeps "+", quotes and non-ASCII readable; the output is never embedded in HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // ASP.NET Core's request scope repeats the ids already written as trace_id and span_id.
    private static readonly HashSet<string> RedundantKeys = [OriginalFormatKey, "TraceId", "SpanId", "ParentId"];
    private static readonly string[] SecretMarkers = ["password", "secret", "apikey", "api_key", "authorization"];

    /// <summary>Creates the formatter.</summary>
    public JsonLineConsoleFormatter() : base(FormatterName)
    {
    }

    /// <inheritdoc />
    public override void Write<TState>(in LogEntry<TState> logEntry, IExternalScopeProvider? scopeProvider, TextWriter textWriter)
    {
        var message = logEntry.Formatter(logEntry.State, logEntry.Exception);
        if (message is null && logEntry.Exception is null) return;

        var fields = new LogFields();
        // Scopes first, then state: the innermost, most specific value wins.
        scopeProvider?.ForEachScope(static (scope, f) => f.AddScope(scope), fields);
        if (logEntry.State is IEnumerable<KeyValuePair<string, object?>> state) fields.AddPairs(state);

        var buffer = new ArrayBufferWriter<byte>(256);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            json.WriteString("timestamp", DateTime.UtcNow.ToString("O"));
            json.WriteString("level", logEntry.LogLevel.ToString());
            json.WriteString("category", logEntry.Category);
            json.WriteString("message", message ?? string.Empty);
            if (logEntry.EventId.Id != 0) json.WriteNumber("event_id", logEntry.EventId.Id);

            if (Activity.Current is { } activity)
            {
                json.WriteString("trace_id", activity.TraceId.ToHexString());
                json.WriteString("span_id", activity.SpanId.ToHexString());
            }

            foreach (var name in LogFields.WellKnown)
            {
                if (fields.WellKnownValues.TryGetValue(name, out var value)) json.WriteString(name, value);
            }

            if (fields.Props.Count > 0)
            {
                json.WriteStartObject("props");
                foreach (var (key, value) in fields.Props) WriteProperty(json, key, value);
                json.WriteEndObject();
            }

            if (logEntry.Exception is { } exception) json.WriteString("exception", exception.ToString());
            json.WriteEndObject();
        }

        textWriter.Write(Encoding.UTF8.GetString(buffer.WrittenSpan));
        textWriter.Write('\n');
    }

    private static void WriteProperty(Utf8JsonWriter json, string key, object? value)
    {
        if (IsSecret(key))
        {
            json.WriteString(key, "***");
            return;
        }

        switch (value)
        {
            case null: json.WriteNull(key); break;
            case bool b: json.WriteBoolean(key, b); break;
            case int or long or short or byte or uint or ulong or ushort or sbyte:
                json.WriteNumber(key, Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)); break;
            case double d when double.IsFinite(d): json.WriteNumber(key, d); break;
            case float f when float.IsFinite(f): json.WriteNumber(key, f); break;
            case decimal m: json.WriteNumber(key, m); break;
            case DateTime dt: json.WriteString(key, dt.ToString("O", System.Globalization.CultureInfo.InvariantCulture)); break;
            case DateTimeOffset dto: json.WriteString(key, dto.ToString("O", System.Globalization.CultureInfo.InvariantCulture)); break;
            default: json.WriteString(key, Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture)); break;
        }
    }

    private static bool IsSecret(string key) =>
        SecretMarkers.Any(marker => key.Contains(marker, StringComparison.OrdinalIgnoreCase));

    /// <summary>Collects the key/value pairs of scopes and state, lifting the well-known ones.</summary>
    private sealed class LogFields
    {
        public static readonly string[] WellKnown = [LogScopes.Agent, LogScopes.Symbol, LogScopes.Stage];

        public Dictionary<string, string> WellKnownValues { get; } = new(StringComparer.Ordinal);

        public Dictionary<string, object?> Props { get; } = new(StringComparer.Ordinal);

        public void AddScope(object? scope)
        {
            if (scope is IEnumerable<KeyValuePair<string, object?>> pairs) AddPairs(pairs);
        }

        public void AddPairs(IEnumerable<KeyValuePair<string, object?>> pairs)
        {
            foreach (var (key, value) in pairs)
            {
                if (RedundantKeys.Contains(key)) continue;
                var wellKnown = Array.Find(WellKnown, name => name.Equals(key, StringComparison.OrdinalIgnoreCase));
                if (wellKnown is not null)
                {
                    if (value is not null) WellKnownValues[wellKnown] = Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? string.Empty;
                }
                else
                {
                    Props[key] = value;
                }
            }
        }
    }
}
