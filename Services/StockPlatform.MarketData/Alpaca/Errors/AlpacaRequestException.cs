using System.Net;

namespace StockPlatform.MarketData.Alpaca.Errors;

/// <summary>Alpaca refused a parameter (400, 404, 422: bad timeframe, range, page token...). Never retried.</summary>
public sealed class AlpacaRequestException(string message, HttpStatusCode? statusCode, int? errorCode, string? alpacaMessage)
    : AlpacaException(message, statusCode, errorCode, alpacaMessage);
