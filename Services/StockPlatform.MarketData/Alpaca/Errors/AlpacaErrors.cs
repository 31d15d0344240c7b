using System.Net;

namespace StockPlatform.MarketData.Alpaca.Errors;

/// <summary>Turns Alpaca's error answers into typed exceptions, and says which statuses are worth a retry.</summary>
public static class AlpacaErrors
{
    /// <summary>429, 408 and 5xx: the request may succeed later. 400, 401, 403, 404 and 422 never will.</summary>
    public static bool IsRetryable(HttpStatusCode status) =>
        status is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || (int)status >= 500;

    /// <summary>The exception for an error answer; its message quotes Alpaca's own words.</summary>
    public static AlpacaException FromResponse(HttpStatusCode status, int? code, string? message)
    {
        var code3 = (int)status;
        var said = string.IsNullOrWhiteSpace(message) ? status.ToString() : message.Trim();
        switch (status)
        {
            case HttpStatusCode.Unauthorized:
                return new AlpacaAuthenticationException(
                    $"Alpaca rejected the API keys ({code3}: {said}); check ALPACA_KEY_ID and ALPACA_SECRET_KEY.", status, code, message);
            case HttpStatusCode.Forbidden when IsPlanLimit(said):
                return new AlpacaPermissionException(
                    $"Alpaca does not allow this request on the account's plan ({code3}: {said}); try the iex feed.", status, code, message);
            case HttpStatusCode.Forbidden:
                return new AlpacaAuthenticationException(
                    $"Alpaca refused access ({code3}: {said}); check ALPACA_KEY_ID and ALPACA_SECRET_KEY.", status, code, message);
            case HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity
                when said.StartsWith("invalid symbol", StringComparison.OrdinalIgnoreCase):
                return new AlpacaInvalidSymbolException($"Alpaca: {said}", status, code, message);
            case HttpStatusCode.BadRequest or HttpStatusCode.NotFound or HttpStatusCode.UnprocessableEntity:
                return new AlpacaRequestException($"Alpaca rejected the request ({code3}: {said})", status, code, message);
            case HttpStatusCode.TooManyRequests:
                return new AlpacaUnavailableException($"Alpaca's rate limit is still exceeded after every retry ({code3}: {said})", status, code, message);
            default:
                return code3 >= 500
                    ? new AlpacaUnavailableException($"Alpaca kept failing ({code3}: {said})", status, code, message)
                    : new AlpacaRequestException($"Alpaca answered {code3}: {said}", status, code, message);
        }
    }

    private static bool IsPlanLimit(string message) =>
        message.Contains("subscription", StringComparison.OrdinalIgnoreCase)
        || message.Contains("permit", StringComparison.OrdinalIgnoreCase);
}
