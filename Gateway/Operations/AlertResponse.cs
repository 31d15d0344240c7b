using StockPlatform.Storage.Agents;

namespace StockPlatform.Gateway.Operations;

/// <summary>An alert as <c>GET /alerts</c> and the <c>alert.*</c> events show it.</summary>
public sealed record AlertResponse(long Id, string Kind, string Agent, string? Instance, Guid? JobId, string Message, DateTime RaisedAt, DateTime? ClearedAt)
{
    /// <summary>The response for a stored alert.</summary>
    public static AlertResponse From(AgentAlert alert) =>
        new(alert.Id, alert.Kind, alert.Agent, alert.Instance, alert.JobId, alert.Message, alert.RaisedAt.UtcDateTime, alert.ClearedAt?.UtcDateTime);
}
