using System.Net;
using StockPlatform.MarketData.Alpaca.Errors;
using StockPlatform.MarketData.Alpaca.Stream;

namespace StockPlatform.MarketData.Tests.Alpaca;

public class AlpacaErrorsTests
{
    [Fact]
    public void An_invalid_symbol_answer_keeps_alpaca_s_message()
    {
        var error = AlpacaErrors.FromResponse(HttpStatusCode.BadRequest, 40010001, "invalid symbol: BRK.A");

        var typed = Assert.IsType<AlpacaInvalidSymbolException>(error);
        Assert.Contains("invalid symbol: BRK.A", typed.Message);
        Assert.Equal(40010001, typed.ErrorCode);
        Assert.False(typed.IsTransient);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized, "unauthorized")]
    [InlineData(HttpStatusCode.Forbidden, "forbidden.")]
    public void Bad_keys_become_authentication_errors(HttpStatusCode status, string message)
    {
        var error = AlpacaErrors.FromResponse(status, null, message);

        Assert.IsType<AlpacaAuthenticationException>(error);
        Assert.Contains("ALPACA_KEY_ID", error.Message);
    }

    [Fact]
    public void A_plan_limit_is_a_permission_error_not_an_authentication_error()
    {
        var error = AlpacaErrors.FromResponse(HttpStatusCode.Forbidden, null, "subscription does not permit querying recent SIP data");

        Assert.IsType<AlpacaPermissionException>(error);
        Assert.Contains("subscription does not permit querying recent SIP data", error.Message);
    }

    [Fact]
    public void A_bad_timeframe_is_a_request_error()
    {
        var error = AlpacaErrors.FromResponse(HttpStatusCode.UnprocessableEntity, 42210000, "invalid timeframe");

        Assert.IsType<AlpacaRequestException>(error);
        Assert.Contains("422: invalid timeframe", error.Message);
    }

    [Theory]
    [InlineData(HttpStatusCode.TooManyRequests, true)]
    [InlineData(HttpStatusCode.InternalServerError, true)]
    [InlineData(HttpStatusCode.BadGateway, true)]
    [InlineData(HttpStatusCode.ServiceUnavailable, true)]
    [InlineData(HttpStatusCode.GatewayTimeout, true)]
    [InlineData(HttpStatusCode.BadRequest, false)]
    [InlineData(HttpStatusCode.Unauthorized, false)]
    [InlineData(HttpStatusCode.Forbidden, false)]
    [InlineData(HttpStatusCode.UnprocessableEntity, false)]
    public void Only_rate_limits_and_server_errors_are_retried(HttpStatusCode status, bool retry)
    {
        Assert.Equal(retry, AlpacaErrors.IsRetryable(status));
    }

    [Theory]
    [InlineData(402, StreamErrorOutcome.Fatal)]
    [InlineData(409, StreamErrorOutcome.Fatal)]
    [InlineData(406, StreamErrorOutcome.Reconnect)]
    [InlineData(407, StreamErrorOutcome.Reconnect)]
    [InlineData(405, StreamErrorOutcome.Reported)]
    [InlineData(400, StreamErrorOutcome.Reported)]
    public void Stream_errors_map_to_what_the_client_does(int code, StreamErrorOutcome outcome)
    {
        Assert.Equal(outcome, StreamErrorCodes.OutcomeOf(code));
    }
}
