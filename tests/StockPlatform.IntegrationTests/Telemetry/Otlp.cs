namespace StockPlatform.IntegrationTests.Telemetry;

/// <summary>OTLP's span kinds (the numbers on the wire).</summary>
internal enum SpanKind
{
    Unspecified = 0,
    Internal = 1,
    Server = 2,
    Client = 3,
    Producer = 4,
    Consumer = 5,
}

/// <summary>A link from a span to another span (ids in lower-case hex).</summary>
internal sealed record SpanLink(string TraceId, string SpanId);

/// <summary>One exported span with the resource and scope it came under (ids in lower-case hex; no parent: empty).</summary>
internal sealed record ExportedSpan(
    string Service, string Scope, string TraceId, string SpanId, string ParentSpanId, string Name, SpanKind Kind,
    IReadOnlyDictionary<string, object?> Attributes, IReadOnlyList<SpanLink> Links, int StatusCode)
{
    public object? this[string attribute] => Attributes.GetValueOrDefault(attribute);

    /// <summary>OTLP's status code 2: error.</summary>
    public bool Failed => StatusCode == 2;

    public override string ToString() => $"{Service}/{Scope} {Kind} '{Name}' {SpanId} <- {(ParentSpanId.Length == 0 ? "root" : ParentSpanId)}";
}

/// <summary>One data point of an exported metric: a counter's or gauge's value, a histogram's count and sum.</summary>
internal sealed record MetricPoint(IReadOnlyDictionary<string, object?> Attributes, double Value, double? Sum = null)
{
    public object? this[string attribute] => Attributes.GetValueOrDefault(attribute);
}

/// <summary>One metric of one export, with the resource and scope it came under.</summary>
internal sealed record ExportedMetric(string Service, string Scope, string Name, string Unit, string Kind, IReadOnlyList<MetricPoint> Points);
