using Microsoft.Extensions.Logging;

namespace StockPlatform.ServiceDefaults.Logging;

/// <summary>
/// The structured fields every agent logs with. A scope opened here shows up as top-level
/// <c>agent</c>, <c>symbol</c> and <c>stage</c> fields on every line written inside it.
/// </summary>
public static class LogScopes
{
    /// <summary>Which agent wrote the line (ingestion, livestream, features, gateway).</summary>
    public const string Agent = "agent";

    /// <summary>The ticker the work is about.</summary>
    public const string Symbol = "symbol";

    /// <summary>The step of the work (fetch, persist, aggregate, archive...).</summary>
    public const string Stage = "stage";

    /// <summary>Opens a scope carrying whichever of the well-known fields are given.</summary>
    public static IDisposable? BeginWorkScope(this ILogger logger, string? agent = null, string? symbol = null, string? stage = null)
    {
        var fields = new List<KeyValuePair<string, object?>>(3);
        if (agent is not null) fields.Add(new(Agent, agent));
        if (symbol is not null) fields.Add(new(Symbol, symbol));
        if (stage is not null) fields.Add(new(Stage, stage));
        return logger.BeginScope(fields);
    }
}
