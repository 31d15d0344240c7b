namespace StockPlatform.Storage.Bars;

/// <summary>
/// A streamed read failed after some of its bars were handed over. It is not retried (the bars
/// would be handed over twice); the caller's output holds only part of the answer.
/// </summary>
public sealed class BarReadInterruptedException(int handedOver, Exception cause)
    : Exception($"the read failed after {handedOver} bar(s) were handed over: {cause.Message}", cause)
{
    /// <summary>How many bars were handed over before the failure.</summary>
    public int HandedOver { get; } = handedOver;
}
