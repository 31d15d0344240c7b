using System.Net;

namespace StockPlatform.MarketData.Alpaca.Errors;

/// <summary>Missing or wrong API keys (401, or 403 without a subscription message). Never retried.</summary>
public sealed class AlpacaAuthenticationException(string message, HttpStatusCode? statusCode, int? errorCode, string? alpacaMessage)
    : AlpacaException(message, statusCode, errorCode, alpacaMessage);
