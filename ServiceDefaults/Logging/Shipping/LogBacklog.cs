using System.Diagnostics.Metrics;
using System.Threading.Channels;
using StockPlatform.ServiceDefaults.Telemetry;

namespace StockPlatform.ServiceDefaults.Logging.Shipping;

/// <summary>
/// The records logged and not yet written, bounded: when it is full (the store is down, or
/// slower than the logging), each new record pushes out the oldest one, which is counted as
/// dropped. Adding never blocks and never throws. The newest records are kept rather than the
/// oldest because they say what the service is doing when the store comes back; the console
/// keeps every line either way.
/// </summary>
public sealed class LogBacklog
{
    /// <summary>The meter of the backlog's size and the records dropped and shipped.</summary>
    public const string MeterName = TelemetrySources.OwnPrefix + "Logging";

    private readonly Channel<LogRecord> _channel;
    private readonly Counter<long>? _droppedCounter;
    private long _dropped;

    /// <summary>Creates a backlog of <paramref name="capacity"/> records, with its metrics on <paramref name="meters"/> when given.</summary>
    public LogBacklog(int capacity, IMeterFactory? meters = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(capacity, 1);
        Capacity = capacity;
        _channel = Channel.CreateBounded<LogRecord>(
            new BoundedChannelOptions(capacity)
            {
                FullMode = BoundedChannelFullMode.DropOldest,
                SingleReader = true,
                // The reader's continuation never runs on a logging caller's thread.
                AllowSynchronousContinuations = false,
            },
            _ => CountDropped());

        if (meters is not null)
        {
            var meter = meters.Create(MeterName);
            _droppedCounter = meter.CreateCounter<long>("stockplatform.logs.dropped", "{record}", "Log records dropped before they reached the log store (backlog full, or logged after shipping stopped)");
            Shipped = meter.CreateCounter<long>("stockplatform.logs.shipped", "{record}", "Log records written to the log store");
            meter.CreateObservableGauge("stockplatform.logs.backlog", () => Count, "{record}", "Log records waiting to be written to the log store");
        }
    }

    /// <summary>Most records held.</summary>
    public int Capacity { get; }

    /// <summary>Records held now.</summary>
    public int Count => _channel.Reader.Count;

    /// <summary>Records dropped since the process started.</summary>
    public long Dropped => Interlocked.Read(ref _dropped);

    /// <summary>The counter of records written, for the shipper.</summary>
    internal Counter<long>? Shipped { get; }

    /// <summary>The shipper's end of the backlog.</summary>
    internal ChannelReader<LogRecord> Reader => _channel.Reader;

    /// <summary>Adds a record, pushing out the oldest when full; after <see cref="Complete"/>, counts it as dropped.</summary>
    public void Add(LogRecord record)
    {
        if (!_channel.Writer.TryWrite(record)) CountDropped();
    }

    /// <summary>Counts a record that never made it into the backlog (it could not be built).</summary>
    internal void CountDropped()
    {
        Interlocked.Increment(ref _dropped);
        _droppedCounter?.Add(1);
    }

    /// <summary>Takes no more records: shipping has stopped.</summary>
    internal void Complete() => _channel.Writer.TryComplete();
}
