using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http.HttpResults;

namespace StockPlatform.MarketSim.Apis;

/// <summary>Alpaca's error body: <c>{"code":40010001,"message":"invalid symbol: X"}</c>; some errors carry no code.</summary>
internal sealed record ApiError(
    [property: JsonPropertyName("code"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Code,
    [property: JsonPropertyName("message")] string Message)
{
    public JsonHttpResult<ApiError> ToResult(int status) => TypedResults.Json(this, statusCode: status);
}

/// <summary>The error responses MarketSim gives, with Alpaca's codes (status * 100000 + detail).</summary>
internal static class ApiErrors
{
    public static JsonHttpResult<ApiError> BadRequest(string message) =>
        new ApiError(40010001, message).ToResult(StatusCodes.Status400BadRequest);

    public static JsonHttpResult<ApiError> Unprocessable(string message) =>
        new ApiError(42210000, message).ToResult(StatusCodes.Status422UnprocessableEntity);

    public static JsonHttpResult<ApiError> InvalidSymbol(string symbol) => BadRequest($"invalid symbol: {symbol}");

    public static JsonHttpResult<ApiError> NotAuthorized() =>
        new ApiError(40110000, "request is not authorized").ToResult(StatusCodes.Status401Unauthorized);

    public static JsonHttpResult<ApiError> Forbidden() =>
        new ApiError(null, "forbidden.").ToResult(StatusCodes.Status403Forbidden);

    public static JsonHttpResult<ApiError> RateLimitExceeded() =>
        new ApiError(42910000, "rate limit exceeded").ToResult(StatusCodes.Status429TooManyRequests);

    public static JsonHttpResult<ApiError> InternalError() =>
        new ApiError(50010000, "internal server error").ToResult(StatusCodes.Status500InternalServerError);
}
