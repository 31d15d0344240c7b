using StockPlatform.MarketData.Alpaca.Errors;

namespace StockPlatform.MarketData.Alpaca.Stream;

/// <summary>The stream stopped for a reason reconnecting cannot fix (bad keys, a plan without the feed).</summary>
public sealed class AlpacaStreamException(string message, int? streamCode)
    : AlpacaException(message, errorCode: streamCode);
