using MassTransit;

namespace StockPlatform.Gateway.Messaging;

/// <summary>
/// Publishing from a request whose state is already stored. MassTransit holds a publish until
/// the broker is back, so while RabbitMQ restarts an unbounded publish would hold the request
/// (and its client) for as long; what the message announces is in the database, and the agents
/// read it from there (the ingestion sweeper sends unsent windows, agents read pause state at
/// their heartbeat, the live updater its tracked symbols when it connects).
/// </summary>
public static class BoundedPublish
{
    /// <summary>How long a request waits for the broker to take a message.</summary>
    public static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    /// <summary>
    /// Publishes <paramref name="message"/>, giving up after <see cref="Patience"/>: true when it
    /// went out, false (with the reason) when the broker did not take it in time or refused it.
    /// The request's own cancellation still cancels.
    /// </summary>
    /// <remarks>The message goes out as its runtime type (a caller may hold it as <c>object</c>).</remarks>
    public static async Task<(bool Sent, string? Reason)> TryPublishAsync(this IPublishEndpoint bus, object message, CancellationToken cancellationToken)
    {
        using var publishing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        publishing.CancelAfter(Patience);
        try
        {
            await bus.Publish(message, publishing.Token);
            return (true, null);
        }
        catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
        {
            return (false, ex is OperationCanceledException ? $"the broker did not take it within {Patience.TotalSeconds:0} s" : ex.Message);
        }
    }
}
