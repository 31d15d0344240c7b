using System.Net;

namespace StockPlatform.MarketData.Alpaca.Errors;

/// <summary>Alpaca kept failing (5xx, 429, timeouts, network) after every retry. Worth trying again later.</summary>
public sealed class AlpacaUnavailableException(string message, HttpStatusCode? statusCode = null, int? errorCode = null, string? alpacaMessage = null, Exception? inner = null)
    : AlpacaException(message, statusCode, errorCode, alpacaMessage, inner)
{
    /// <inheritdoc />
    public override bool IsTransient => true;
}
