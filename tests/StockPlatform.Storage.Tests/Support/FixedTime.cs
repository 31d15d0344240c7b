namespace StockPlatform.Storage.Tests.Support;

/// <summary>A clock stopped at one instant, so "is this bar complete?" has a known answer.</summary>
internal sealed class FixedTime(DateTimeOffset now) : TimeProvider
{
    public override DateTimeOffset GetUtcNow() => now;
}
