using System.Net;

namespace StockPlatform.MarketData.Alpaca.Errors;

/// <summary>
/// An answer from Alpaca that is not data. <see cref="Exception.Message"/> is meant for a person
/// (it carries Alpaca's own message, such as "invalid symbol: XYZ") and never the credentials.
/// </summary>
public class AlpacaException : Exception
{
    /// <summary>Creates the exception.</summary>
    public AlpacaException(string message, HttpStatusCode? statusCode = null, int? errorCode = null, string? alpacaMessage = null, Exception? inner = null)
        : base(message, inner)
    {
        StatusCode = statusCode;
        ErrorCode = errorCode;
        AlpacaMessage = alpacaMessage;
    }

    /// <summary>The HTTP status, when there was a response.</summary>
    public HttpStatusCode? StatusCode { get; }

    /// <summary>Alpaca's numeric <c>code</c>, when the body had one.</summary>
    public int? ErrorCode { get; }

    /// <summary>Alpaca's <c>message</c>, verbatim.</summary>
    public string? AlpacaMessage { get; }

    /// <summary>True when trying again later may succeed (rate limit, server or network trouble).</summary>
    public virtual bool IsTransient => false;
}
