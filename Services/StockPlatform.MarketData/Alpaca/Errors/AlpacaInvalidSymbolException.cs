using System.Net;

namespace StockPlatform.MarketData.Alpaca.Errors;

/// <summary>Alpaca does not know the symbol ("invalid symbol: XYZ"). Never retried.</summary>
public sealed class AlpacaInvalidSymbolException(string message, HttpStatusCode? statusCode, int? errorCode, string? alpacaMessage)
    : AlpacaException(message, statusCode, errorCode, alpacaMessage);
