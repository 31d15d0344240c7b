using System.Text.Json;
using System.Text.Json.Serialization;

namespace StockPlatform.MarketData.Alpaca.Wire;

// Alpaca's JSON, as documented and recorded. Kept internal: callers see domain types only.

internal sealed record WireBar(
    [property: JsonPropertyName("t")] DateTimeOffset Time,
    [property: JsonPropertyName("o")] decimal Open,
    [property: JsonPropertyName("h")] decimal High,
    [property: JsonPropertyName("l")] decimal Low,
    [property: JsonPropertyName("c")] decimal Close,
    [property: JsonPropertyName("v")] long Volume,
    [property: JsonPropertyName("n")] long? TradeCount,
    [property: JsonPropertyName("vw")] decimal? Vwap);

/// <summary><c>GET /v2/stocks/{symbol}/bars</c>: bars may be missing or null when there are none.</summary>
internal sealed record WireSingleBarsPage(
    [property: JsonPropertyName("bars")] List<WireBar>? Bars,
    [property: JsonPropertyName("symbol")] string? Symbol,
    [property: JsonPropertyName("next_page_token")] string? NextPageToken);

/// <summary><c>GET /v2/stocks/bars</c>: bars keyed by symbol, sorted by symbol then time across pages.</summary>
internal sealed record WireMultiBarsPage(
    [property: JsonPropertyName("bars")] Dictionary<string, List<WireBar>?>? Bars,
    [property: JsonPropertyName("next_page_token")] string? NextPageToken);

/// <summary>One day of <c>GET /v2/calendar</c>; times are New York wall-clock, "HH:mm" or "HHmm".</summary>
internal sealed record WireCalendarDay(
    [property: JsonPropertyName("date")] string Date,
    [property: JsonPropertyName("open")] string Open,
    [property: JsonPropertyName("close")] string Close,
    [property: JsonPropertyName("session_open")] string? SessionOpen,
    [property: JsonPropertyName("session_close")] string? SessionClose);

/// <summary><c>GET /v1/corporate-actions</c>: actions grouped by plural type name.</summary>
internal sealed record WireCorporateActionsPage(
    [property: JsonPropertyName("corporate_actions")] Dictionary<string, List<JsonElement>?>? CorporateActions,
    [property: JsonPropertyName("next_page_token")] string? NextPageToken);

/// <summary>The error body: <c>{"code": 40010001, "message": "..."}</c>, both optional.</summary>
internal sealed record WireError(
    [property: JsonPropertyName("code")] int? Code,
    [property: JsonPropertyName("message")] string? Message);
