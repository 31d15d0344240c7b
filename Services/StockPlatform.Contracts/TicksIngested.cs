namespace StockPlatform.Contracts;

/// <summary>
/// Event: a symbol's trades or quotes of one New York day were stored, the day whole (published
/// once per symbol, dataset and day, after its last page). <paramref name="Dataset"/> is
/// <c>trades</c> or <c>quotes</c>; <paramref name="Rows"/> counts the rows Alpaca served for
/// the day (0: nothing traded; a ledgered day is not fetched, so not announced, again). The feature agent archives the day's partition once its session
/// has ended.
/// </summary>
public sealed record TicksIngested(Guid? JobId, string Symbol, DateOnly Session, string Dataset, int Rows);
