using StockPlatform.Gateway.Events;

namespace StockPlatform.IntegrationTests.Gateway;

/// <summary>The live tail's bookkeeping: every id sent once, late commits below a gap still sent, rolled-back ids skipped after the grace.</summary>
public sealed class LogTailCursorTests
{
    private static readonly DateTimeOffset T0 = new(2024, 3, 4, 14, 30, 0, TimeSpan.Zero);

    [Fact]
    public void Ids_in_order_are_sent_once_and_the_cursor_moves_past_them()
    {
        var cursor = new LogTailCursor(TimeSpan.FromSeconds(5));
        cursor.Start(100);

        Assert.Equal([101L, 102, 103], new long[] { 100, 101, 102, 103 }.Where(id => cursor.TryAccept(id, T0)));
        Assert.True(cursor.Settle(T0));
        Assert.Equal(103, cursor.Settled);
        Assert.False(cursor.TryAccept(102, T0));
        Assert.False(cursor.Settle(T0));
    }

    [Fact]
    public void A_batch_committed_late_below_a_newer_one_is_still_sent_once()
    {
        var cursor = new LogTailCursor(TimeSpan.FromSeconds(5));
        cursor.Start(10);

        // Ids 11-12 are still committing when 13-14 become visible.
        Assert.Equal([13L, 14], new long[] { 13, 14 }.Where(id => cursor.TryAccept(id, T0)));
        Assert.False(cursor.Settle(T0.AddSeconds(1)));
        Assert.Equal(10, cursor.Settled);

        // The next read starts at 10 again: 13 and 14 are not sent twice, 11 and 12 are sent.
        Assert.Equal([11L, 12], new long[] { 11, 12, 13, 14 }.Where(id => cursor.TryAccept(id, T0.AddSeconds(1))));
        Assert.True(cursor.Settle(T0.AddSeconds(1)));
        Assert.Equal(14, cursor.Settled);
    }

    [Fact]
    public void Ids_of_a_rolled_back_batch_are_given_up_once_the_grace_has_passed()
    {
        var cursor = new LogTailCursor(TimeSpan.FromSeconds(5));
        cursor.Start(0);
        Assert.True(cursor.TryAccept(1, T0));
        Assert.True(cursor.TryAccept(50, T0)); // 2..49 never commit
        Assert.True(cursor.TryAccept(60, T0.AddSeconds(3))); // 51..59 never commit either

        Assert.True(cursor.Settle(T0.AddSeconds(4)));
        Assert.Equal(1, cursor.Settled);
        Assert.True(cursor.Settle(T0.AddSeconds(5)));
        Assert.Equal(50, cursor.Settled);
        Assert.False(cursor.Settle(T0.AddSeconds(7)));
        Assert.True(cursor.Settle(T0.AddSeconds(8)));
        Assert.Equal(60, cursor.Settled);
    }
}
