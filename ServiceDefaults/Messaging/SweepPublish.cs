using MassTransit;

namespace StockPlatform.ServiceDefaults.Messaging;

/// <summary>Publishing what a sweeper found due, inside the transaction that marks it sent.</summary>
public static class SweepPublish
{
    /// <summary>How long a sweep waits for the broker to take its messages.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Publishes every message within <see cref="Patience"/>. MassTransit holds a publish until the
    /// broker is back, which would hold the sweep's transaction open as long; so a broker that does
    /// not take them in time fails the sweep (<see cref="InvalidOperationException"/>: the tasks stay
    /// due and the next tick tries again) instead of looking like the service stopping.
    /// </summary>
    public static async Task PublishAllAsync<T>(this IPublishEndpoint bus, IEnumerable<T> messages, CancellationToken cancellationToken)
        where T : class
    {
        using var sending = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        sending.CancelAfter(Patience);
        try
        {
            foreach (var message in messages) await bus.Publish(message, sending.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new InvalidOperationException($"the broker did not take the messages within {Patience.TotalSeconds:0} s");
        }
    }
}
