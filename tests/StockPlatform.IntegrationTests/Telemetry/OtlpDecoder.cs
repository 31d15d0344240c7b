namespace StockPlatform.IntegrationTests.Telemetry;

/// <summary>
/// Takes apart the OTLP/HTTP protobuf bodies of <c>/v1/traces</c> and <c>/v1/metrics</c>
/// (ExportTraceServiceRequest, ExportMetricsServiceRequest), keeping what the tests look at.
/// Field numbers are those of opentelemetry-proto's trace.proto, metrics.proto and common.proto.
/// </summary>
internal static class OtlpDecoder
{
    public static List<ExportedSpan> Spans(ReadOnlyMemory<byte> body)
    {
        var spans = new List<ExportedSpan>();
        var request = new ProtoReader(body);
        while (request.Next(out var field, out var type))
        {
            if (field != 1) { request.Skip(type); continue; }
            // ResourceSpans: 1 resource, 2 scope_spans.
            var resourceSpans = request.ReadMessage();
            var service = string.Empty;
            var scopes = new List<ProtoReader>();
            while (resourceSpans.Next(out var f, out var t))
            {
                if (f == 1) service = ServiceName(resourceSpans.ReadMessage());
                else if (f == 2) scopes.Add(resourceSpans.ReadMessage());
                else resourceSpans.Skip(t);
            }
            foreach (var scopeSpans in scopes)
            {
                // ScopeSpans: 1 scope, 2 spans.
                var scope = string.Empty;
                var raw = new List<ProtoReader>();
                while (scopeSpans.Next(out var f, out var t))
                {
                    if (f == 1) scope = ScopeName(scopeSpans.ReadMessage());
                    else if (f == 2) raw.Add(scopeSpans.ReadMessage());
                    else scopeSpans.Skip(t);
                }
                spans.AddRange(raw.Select(span => Span(service, scope, span)));
            }
        }
        return spans;
    }

    public static List<ExportedMetric> Metrics(ReadOnlyMemory<byte> body)
    {
        var metrics = new List<ExportedMetric>();
        var request = new ProtoReader(body);
        while (request.Next(out var field, out var type))
        {
            if (field != 1) { request.Skip(type); continue; }
            // ResourceMetrics: 1 resource, 2 scope_metrics.
            var resourceMetrics = request.ReadMessage();
            var service = string.Empty;
            var scopes = new List<ProtoReader>();
            while (resourceMetrics.Next(out var f, out var t))
            {
                if (f == 1) service = ServiceName(resourceMetrics.ReadMessage());
                else if (f == 2) scopes.Add(resourceMetrics.ReadMessage());
                else resourceMetrics.Skip(t);
            }
            foreach (var scopeMetrics in scopes)
            {
                // ScopeMetrics: 1 scope, 2 metrics.
                var scope = string.Empty;
                var raw = new List<ProtoReader>();
                while (scopeMetrics.Next(out var f, out var t))
                {
                    if (f == 1) scope = ScopeName(scopeMetrics.ReadMessage());
                    else if (f == 2) raw.Add(scopeMetrics.ReadMessage());
                    else scopeMetrics.Skip(t);
                }
                metrics.AddRange(raw.Select(metric => Metric(service, scope, metric)));
            }
        }
        return metrics;
    }

    // Span: 1 trace_id, 2 span_id, 4 parent_span_id, 5 name, 6 kind, 9 attributes, 13 links, 15 status.
    private static ExportedSpan Span(string service, string scope, ProtoReader span)
    {
        string traceId = string.Empty, spanId = string.Empty, parent = string.Empty, name = string.Empty;
        var kind = SpanKind.Unspecified;
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        var links = new List<SpanLink>();
        var status = 0;
        while (span.Next(out var field, out var type))
        {
            switch (field)
            {
                case 1: traceId = Hex(span.ReadBytes()); break;
                case 2: spanId = Hex(span.ReadBytes()); break;
                case 4: parent = Hex(span.ReadBytes()); break;
                case 5: name = span.ReadString(); break;
                case 6: kind = (SpanKind)span.ReadVarint(); break;
                case 9: Add(attributes, span.ReadMessage()); break;
                case 13: links.Add(Link(span.ReadMessage())); break;
                case 15: status = StatusCode(span.ReadMessage()); break;
                default: span.Skip(type); break;
            }
        }
        return new ExportedSpan(service, scope, traceId, spanId, parent, name, kind, attributes, links, status);
    }

    // Link: 1 trace_id, 2 span_id.
    private static SpanLink Link(ProtoReader link)
    {
        string traceId = string.Empty, spanId = string.Empty;
        while (link.Next(out var field, out var type))
        {
            if (field == 1) traceId = Hex(link.ReadBytes());
            else if (field == 2) spanId = Hex(link.ReadBytes());
            else link.Skip(type);
        }
        return new SpanLink(traceId, spanId);
    }

    // Status: 2 message, 3 code.
    private static int StatusCode(ProtoReader status)
    {
        var code = 0;
        while (status.Next(out var field, out var type))
        {
            if (field == 3) code = (int)status.ReadVarint();
            else status.Skip(type);
        }
        return code;
    }

    // Metric: 1 name, 3 unit, 5 gauge, 7 sum, 9 histogram (each: 1 data_points).
    private static ExportedMetric Metric(string service, string scope, ProtoReader metric)
    {
        string name = string.Empty, unit = string.Empty, kind = string.Empty;
        var points = new List<MetricPoint>();
        while (metric.Next(out var field, out var type))
        {
            switch (field)
            {
                case 1: name = metric.ReadString(); break;
                case 3: unit = metric.ReadString(); break;
                case 5 or 7 or 9:
                    kind = field switch { 5 => "gauge", 7 => "sum", _ => "histogram" };
                    var data = metric.ReadMessage();
                    while (data.Next(out var f, out var t))
                    {
                        if (f == 1) points.Add(field == 9 ? HistogramPoint(data.ReadMessage()) : NumberPoint(data.ReadMessage()));
                        else data.Skip(t);
                    }
                    break;
                default: metric.Skip(type); break;
            }
        }
        return new ExportedMetric(service, scope, name, unit, kind, points);
    }

    // NumberDataPoint: 4 as_double, 6 as_int (sfixed64), 7 attributes.
    private static MetricPoint NumberPoint(ProtoReader point)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        double value = 0;
        while (point.Next(out var field, out var type))
        {
            switch (field)
            {
                case 4: value = point.ReadDouble(); break;
                case 6: value = (long)point.ReadFixed64(); break;
                case 7: Add(attributes, point.ReadMessage()); break;
                default: point.Skip(type); break;
            }
        }
        return new MetricPoint(attributes, value);
    }

    // HistogramDataPoint: 4 count (fixed64), 5 sum (double), 9 attributes.
    private static MetricPoint HistogramPoint(ProtoReader point)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        double count = 0;
        double? sum = null;
        while (point.Next(out var field, out var type))
        {
            switch (field)
            {
                case 4: count = point.ReadFixed64(); break;
                case 5: sum = point.ReadDouble(); break;
                case 9: Add(attributes, point.ReadMessage()); break;
                default: point.Skip(type); break;
            }
        }
        return new MetricPoint(attributes, count, sum);
    }

    // Resource: 1 attributes.
    private static string ServiceName(ProtoReader resource)
    {
        var attributes = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (resource.Next(out var field, out var type))
        {
            if (field == 1) Add(attributes, resource.ReadMessage());
            else resource.Skip(type);
        }
        return attributes.GetValueOrDefault("service.name") as string ?? string.Empty;
    }

    // InstrumentationScope: 1 name.
    private static string ScopeName(ProtoReader scope)
    {
        var name = string.Empty;
        while (scope.Next(out var field, out var type))
        {
            if (field == 1) name = scope.ReadString();
            else scope.Skip(type);
        }
        return name;
    }

    // KeyValue: 1 key, 2 value.
    private static void Add(Dictionary<string, object?> attributes, ProtoReader keyValue)
    {
        string? key = null;
        object? value = null;
        while (keyValue.Next(out var field, out var type))
        {
            if (field == 1) key = keyValue.ReadString();
            else if (field == 2) value = Value(keyValue.ReadMessage());
            else keyValue.Skip(type);
        }
        if (key is not null) attributes[key] = value;
    }

    // AnyValue: 1 string, 2 bool, 3 int, 4 double, 5 array (ArrayValue: 1 values); key-value lists and bytes are not used here.
    private static object? Value(ProtoReader any)
    {
        object? value = null;
        while (any.Next(out var field, out var type))
        {
            switch (field)
            {
                case 1: value = any.ReadString(); break;
                case 2: value = any.ReadVarint() != 0; break;
                case 3: value = (long)any.ReadVarint(); break;
                case 4: value = any.ReadDouble(); break;
                case 5:
                    var array = any.ReadMessage();
                    var items = new List<object?>();
                    while (array.Next(out var f, out var t))
                    {
                        if (f == 1) items.Add(Value(array.ReadMessage()));
                        else array.Skip(t);
                    }
                    value = items.ToArray();
                    break;
                default: any.Skip(type); break;
            }
        }
        return value;
    }

    private static string Hex(ReadOnlyMemory<byte> bytes) => Convert.ToHexStringLower(bytes.Span);
}
