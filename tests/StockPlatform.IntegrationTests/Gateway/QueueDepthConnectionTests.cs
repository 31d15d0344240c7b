using System.Runtime.CompilerServices;
using RabbitMQ.Client;
using RabbitMQ.Client.Exceptions;
using StockPlatform.Gateway.Telemetry;
using StockPlatform.ServiceDefaults.Messaging;

namespace StockPlatform.IntegrationTests.Gateway;

/// <summary>
/// The queue depth monitor's connection on a real broker. Found by the soak benchmark: the
/// gateway's heap grew by a channel every few seconds, each one the broker had closed on a
/// passive declare of a queue not declared yet, kept by the client's automatic recovery.
/// </summary>
public sealed class QueueDepthConnectionTests
{
    private const int Reads = 20;

    [Fact]
    public async Task Channels_the_broker_closed_on_a_missing_queue_are_not_kept_by_the_monitors_connection()
    {
        var factory = QueueDepthMonitor.CreateFactory(AmqpConnection.Parse(TestServers.MessagingConnectionString));
        await using var connection = await factory.CreateConnectionAsync();

        var channels = await DeclareMissingQueuesAsync(connection);
        // Three rounds: a finalizer may release what the first collection found.
        for (var i = 0; i < 3; i++)
        {
            GC.Collect();
            GC.WaitForPendingFinalizers();
        }

        // The last one may still be held by the loop's own variable (a debug build keeps it); a
        // connection that recorded them held every one.
        Assert.Equal([], channels.SkipLast(1).Select((channel, i) => (channel, i)).Where(c => c.channel.IsAlive).Select(c => c.i));
        // The connection still works: a new channel opens on it.
        await using var next = await connection.CreateChannelAsync();
        Assert.True(next.IsOpen);
    }

    /// <summary>What the monitor does for a queue not declared yet: a channel, a passive declare the broker refuses by closing the channel, the channel disposed.</summary>
    [MethodImpl(MethodImplOptions.NoInlining)]
    private static async Task<List<WeakReference>> DeclareMissingQueuesAsync(IConnection connection)
    {
        var channels = new List<WeakReference>();
        for (var i = 0; i < Reads; i++)
        {
            var channel = await connection.CreateChannelAsync();
            channels.Add(new WeakReference(channel));
            var refused = await Assert.ThrowsAsync<OperationInterruptedException>(() => channel.QueueDeclarePassiveAsync($"depth-missing-{Guid.NewGuid():N}"));
            Assert.Equal((ushort)404, refused.ShutdownReason?.ReplyCode);
            await channel.DisposeAsync();
        }
        return channels;
    }
}
