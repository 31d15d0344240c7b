using System.Threading.Channels;

namespace StockPlatform.LiveStream.Streaming;

/// <summary>
/// How the stream's writers take their work off a channel: the first item opens a batch, which
/// closes when full or a window after it opened, so the store is paid per batch at stream rate.
/// </summary>
internal static class ChannelBatches
{
    /// <summary>
    /// Waits for the next item, then adds to <paramref name="batch"/> what arrives within
    /// <paramref name="window"/> of it, up to <paramref name="max"/> items; false once the channel
    /// is done or <paramref name="cancellationToken"/> is cancelled before anything arrived.
    /// </summary>
    public static async Task<bool> ReadAsync<T>(ChannelReader<T> reader, List<T> batch, int max, TimeSpan window, CancellationToken cancellationToken)
    {
        try
        {
            if (!await reader.WaitToReadAsync(cancellationToken)) return false;
        }
        catch (OperationCanceledException)
        {
            return false;
        }

        using var closes = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        closes.CancelAfter(window);
        try
        {
            while (batch.Count < max)
            {
                if (reader.TryRead(out var item)) batch.Add(item);
                else if (!await reader.WaitToReadAsync(closes.Token)) break;
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            // The window closed.
        }
        return true;
    }
}
