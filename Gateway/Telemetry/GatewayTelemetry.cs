namespace StockPlatform.Gateway.Telemetry;

/// <summary>
/// The gateway's own meter (exported by the service defaults as <c>StockPlatform.*</c>). Its
/// spans are ASP.NET Core's and MassTransit's: a request's span holds the publish of its messages.
/// </summary>
internal static class GatewayTelemetry
{
    public const string MeterName = "StockPlatform.Gateway";
}
