using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using Microsoft.Extensions.Logging;

namespace StockPlatform.ServiceDefaults.Logging;

/// <summary>
/// The fields of one log entry beyond its message: the well-known <c>agent</c>, <c>symbol</c> and
/// <c>stage</c> lifted from scopes and state, and everything else as <c>props</c> (secrets
/// masked). The console formatter and the database logger both collect them here, so a console
/// line and its row in <c>logs</c> carry the same fields.
/// </summary>
internal sealed class LogFields
{
    /// <summary>What a property that looks like a secret is written as.</summary>
    public const string Masked = "***";

    private const string OriginalFormatKey = "{OriginalFormat}";

    /// <summary>The fields written at the top level rather than under <c>props</c>.</summary>
    public static readonly string[] WellKnown = [LogScopes.Agent, LogScopes.Symbol, LogScopes.Stage];

    // Relaxed escaping keeps "+", quotes and non-ASCII readable; the output is never embedded in HTML.
    internal static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    // ASP.NET Core's request scope repeats the ids already written as trace_id and span_id.
    private static readonly HashSet<string> RedundantKeys = [OriginalFormatKey, "TraceId", "SpanId", "ParentId"];
    private static readonly string[] SecretMarkers = ["password", "secret", "apikey", "api_key", "authorization"];

    private LogFields()
    {
    }

    /// <summary>The well-known fields present, by their name in <see cref="WellKnown"/>.</summary>
    public Dictionary<string, string> WellKnownValues { get; } = new(StringComparer.Ordinal);

    /// <summary>Every other key and its value, as logged (masking happens when written).</summary>
    public Dictionary<string, object?> Props { get; } = new(StringComparer.Ordinal);

    /// <summary>The <c>agent</c> of the innermost scope or the state, if any.</summary>
    public string? Agent => WellKnownValues.GetValueOrDefault(LogScopes.Agent);

    /// <summary>The <c>symbol</c> of the innermost scope or the state, if any.</summary>
    public string? Symbol => WellKnownValues.GetValueOrDefault(LogScopes.Symbol);

    /// <summary>The <c>stage</c> of the innermost scope or the state, if any.</summary>
    public string? Stage => WellKnownValues.GetValueOrDefault(LogScopes.Stage);

    /// <summary>Collects the fields of an entry: scopes first, then state, so the innermost, most specific value wins.</summary>
    public static LogFields Collect<TState>(TState state, IExternalScopeProvider? scopes)
    {
        var fields = new LogFields();
        scopes?.ForEachScope(static (scope, f) => f.AddScope(scope), fields);
        if (state is IEnumerable<KeyValuePair<string, object?>> pairs) fields.AddPairs(pairs);
        return fields;
    }

    /// <summary>The current span's W3C trace and span ids, or nulls outside a span.</summary>
    public static (string? TraceId, string? SpanId) CurrentTrace() =>
        Activity.Current is { } activity ? (activity.TraceId.ToHexString(), activity.SpanId.ToHexString()) : (null, null);

    /// <summary>Writes the well-known fields present as top-level string properties.</summary>
    public void WriteWellKnown(Utf8JsonWriter json)
    {
        foreach (var name in WellKnown)
        {
            if (WellKnownValues.TryGetValue(name, out var value)) json.WriteString(name, value);
        }
    }

    /// <summary>Writes every prop as a property of the object being written.</summary>
    public void WriteProps(Utf8JsonWriter json)
    {
        foreach (var (key, value) in Props) WriteProperty(json, key, value);
    }

    /// <summary>The props as one JSON object, or null when there are none.</summary>
    public string? PropsJson()
    {
        if (Props.Count == 0) return null;
        var buffer = new ArrayBufferWriter<byte>(128);
        using (var json = new Utf8JsonWriter(buffer, WriterOptions))
        {
            json.WriteStartObject();
            WriteProps(json);
            json.WriteEndObject();
        }
        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>True for a key that names a secret: its value is never written.</summary>
    public static bool IsSecret(string key) =>
        SecretMarkers.Any(marker => key.Contains(marker, StringComparison.OrdinalIgnoreCase));

    private static void WriteProperty(Utf8JsonWriter json, string key, object? value)
    {
        if (IsSecret(key))
        {
            json.WriteString(key, Masked);
            return;
        }

        switch (value)
        {
            case null: json.WriteNull(key); break;
            case bool b: json.WriteBoolean(key, b); break;
            case int or long or short or byte or uint or ulong or ushort or sbyte:
                json.WriteNumber(key, Convert.ToInt64(value, CultureInfo.InvariantCulture)); break;
            case double d when double.IsFinite(d): json.WriteNumber(key, d); break;
            case float f when float.IsFinite(f): json.WriteNumber(key, f); break;
            case decimal m: json.WriteNumber(key, m); break;
            case DateTime dt: json.WriteString(key, dt.ToString("O", CultureInfo.InvariantCulture)); break;
            case DateTimeOffset dto: json.WriteString(key, dto.ToString("O", CultureInfo.InvariantCulture)); break;
            default: json.WriteString(key, Convert.ToString(value, CultureInfo.InvariantCulture)); break;
        }
    }

    private void AddScope(object? scope)
    {
        if (scope is IEnumerable<KeyValuePair<string, object?>> pairs) AddPairs(pairs);
    }

    private void AddPairs(IEnumerable<KeyValuePair<string, object?>> pairs)
    {
        foreach (var (key, value) in pairs)
        {
            if (RedundantKeys.Contains(key)) continue;
            var wellKnown = Array.Find(WellKnown, name => name.Equals(key, StringComparison.OrdinalIgnoreCase));
            if (wellKnown is not null)
            {
                if (value is not null) WellKnownValues[wellKnown] = Convert.ToString(value, CultureInfo.InvariantCulture) ?? string.Empty;
            }
            else
            {
                Props[key] = value;
            }
        }
    }
}
