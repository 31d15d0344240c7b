using System.Net;

namespace StockPlatform.MarketData.Alpaca.Errors;

/// <summary>
/// The keys are valid but the plan does not allow the request (for example recent SIP data on a
/// free plan: "subscription does not permit querying recent SIP data"). Never retried.
/// </summary>
public sealed class AlpacaPermissionException(string message, HttpStatusCode? statusCode, int? errorCode, string? alpacaMessage)
    : AlpacaException(message, statusCode, errorCode, alpacaMessage);
