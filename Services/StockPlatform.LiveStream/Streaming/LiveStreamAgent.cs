using Microsoft.Extensions.Options;
using StockPlatform.MarketData.Alpaca.Stream;
using StockPlatform.MarketData.Domain;
using StockPlatform.ServiceDefaults.Agents;
using StockPlatform.Storage.Tracking;

namespace StockPlatform.LiveStream.Streaming;

/// <summary>
/// The live updater: stands by until it holds the leader lock, then streams minute bars and
/// their corrections for the tracked symbols (and the trades and quotes of those that asked),
/// hands them to the <see cref="BarWriter"/> and <see cref="TickWriter"/>, and
/// after every (re)connect fills, to the minute, what the stream missed (<see cref="MinuteGapFiller"/>). It gives the stream up
/// the moment its lock is lost, so two instances never both connect.
/// </summary>
public sealed partial class LiveStreamAgent(
    AlpacaStreamClient stream,
    LeaderLock leader,
    TrackingStore tracking,
    BarWriter writer,
    TickWriter ticks,
    MinuteGapFiller gaps,
    TickGapFiller tickGaps,
    StreamState state,
    AgentControl control,
    IOptions<LiveStreamOptions> options,
    TimeProvider time,
    ILogger<LiveStreamAgent> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var writing = Task.WhenAll(writer.RunAsync(stoppingToken), ticks.RunAsync(stoppingToken));
        try
        {
            while (!stoppingToken.IsCancellationRequested)
            {
                state.Set("standby");
                // Paused: no stream at all (the lock is free for nobody: every instance is paused);
                // the first connection after the pause fills the minutes it missed.
                await control.WaitUntilResumedAsync(stoppingToken);
                try
                {
                    if (await leader.TryAcquireAsync(stoppingToken)) await LeadAsync(stoppingToken);
                }
                catch (AlpacaStreamException fatal)
                {
                    // Bad keys or a plan without the feed: retrying at once cannot help; say so and wait.
                    LogStreamRefused(fatal.Message);
                    await leader.ReleaseAsync();
                    await Task.Delay(TimeSpan.FromMinutes(1), time, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    LogLeadFailed(ex.Message);
                    await leader.ReleaseAsync();
                }
                await Task.Delay(options.Value.LeaderRetry, time, stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
        finally
        {
            await leader.ReleaseAsync();
            await writing;
            await gaps.DrainAsync();
            await tickGaps.DrainAsync();
        }
    }

    private async Task LeadAsync(CancellationToken stoppingToken)
    {
        using var leading = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken, control.PausedToken);
        var watch = WatchLeadershipAsync(leading);
        try
        {
            var list = await tracking.ListAsync(stoppingToken);
            var tracked = list.Select(t => Symbol.Parse(t.Symbol)).ToList();
            LogLeading(tracked.Count);
            await stream.SubscribeAsync(tracked, updatedBars: true, cancellationToken: stoppingToken);
            // Trades and quotes only where asked: a liquid symbol quotes many times a second.
            await stream.SubscribeAsync([.. list.Where(t => t.Trades).Select(t => Symbol.Parse(t.Symbol))], StreamChannels.Trades, stoppingToken);
            await stream.SubscribeAsync([.. list.Where(t => t.Quotes).Select(t => Symbol.Parse(t.Symbol))], StreamChannels.Quotes, stoppingToken);
            state.Set("connecting");
            var connections = 0;
            await foreach (var streamEvent in stream.RunAsync(leading.Token))
            {
                // What the server said (not the client's own note that it disconnected) ends a silence.
                if (streamEvent is not StreamDisconnected) state.Heard(streamEvent.At);
                if (streamEvent is StreamBarReceived or StreamTradeReceived or StreamQuoteReceived) state.DataFlowed();
                switch (streamEvent)
                {
                    case StreamBarReceived bar:
                        gaps.Observe(bar);
                        await writer.EnqueueAsync(bar, stoppingToken);
                        break;
                    case StreamTradeReceived trade:
                        tickGaps.Observe(trade);
                        await ticks.EnqueueAsync(trade, stoppingToken);
                        break;
                    case StreamQuoteReceived quote:
                        tickGaps.Observe(quote);
                        await ticks.EnqueueAsync(quote, stoppingToken);
                        break;
                    case StreamConnected connected:
                        state.Set("streaming");
                        if (connections++ > 0) state.Reconnected();
                        LogConnected(connected.Endpoint, connected.Attempt);
                        // Whatever happened while no connection was open (before the first one too) is fetched
                        // once each symbol's first minute on this connection shows where the hole ends.
                        await gaps.ArmAsync(stream.BarSymbols.Select(Symbol.Parse), stoppingToken);
                        tickGaps.Arm(stream.TradeSymbols, stream.QuoteSymbols);
                        break;
                    case StreamDisconnected disconnected:
                        state.Set(disconnected.WillReconnect ? "backing-off" : "standby");
                        LogDisconnected(disconnected.Reason, disconnected.RetryIn.TotalSeconds);
                        break;
                    case StreamErrorReceived error:
                        LogStreamError(error.Code, error.Message);
                        break;
                }
            }
        }
        catch (OperationCanceledException) when (!stoppingToken.IsCancellationRequested)
        {
            if (control.IsPaused) LogPaused();
            else LogLeadershipLost();
        }
        finally
        {
            await leading.CancelAsync();
            await watch;
            await leader.ReleaseAsync();
        }
    }

    // The lock lives with its connection: checked every few seconds, and the stream stops when it
    // is gone. A connection silent past the stall timeout while bars are expected is as good as
    // dead (the socket may look healthy): it is reported stalled and dropped, and the stream
    // client opens the next one after its back-off. The subscription is put right against
    // tracked_symbols now and then, in case a tracking message never arrived.
    private async Task WatchLeadershipAsync(CancellationTokenSource leading)
    {
        var settings = options.Value;
        var resynced = time.GetTimestamp();
        try
        {
            while (!leading.IsCancellationRequested)
            {
                await Task.Delay(settings.LeaderRetry, time, leading.Token);
                if (!await leader.IsHeldAsync(leading.Token))
                {
                    await leading.CancelAsync();
                    return;
                }
                var now = time.GetUtcNow();
                // Silence means nothing when no bars are asked for, nor (normally) while the market is closed.
                if (state.Connection == "streaming" && state.LastMessage is { } last && now - last > settings.StallTimeout
                    && stream.BarSymbols.Count > 0 && (!settings.StallOnlyInMarketHours || MarketHours.IsOpen(now)))
                {
                    state.Stalled();
                    LogStalled((now - last).TotalSeconds);
                    stream.Reconnect($"silent for {(now - last).TotalSeconds:0} s");
                }
                if (time.GetElapsedTime(resynced) >= settings.ResyncInterval)
                {
                    resynced = time.GetTimestamp();
                    await ResyncAsync(leading.Token);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The stream ended first.
        }
    }

    private async Task ResyncAsync(CancellationToken cancellationToken)
    {
        try
        {
            // The subscription before the table: a symbol tracked in between is subscribed by its
            // message and must not look like one to drop.
            var (bars, trades, quotes) = (stream.BarSymbols, stream.TradeSymbols, stream.QuoteSymbols);
            var tracked = await tracking.ListAsync(cancellationToken);
            var changes = await SyncChannelAsync(StreamChannels.Bars | StreamChannels.UpdatedBars, bars, tracked.Select(t => t.Symbol), cancellationToken)
                + await SyncChannelAsync(StreamChannels.Trades, trades, tracked.Where(t => t.Trades).Select(t => t.Symbol), cancellationToken)
                + await SyncChannelAsync(StreamChannels.Quotes, quotes, tracked.Where(t => t.Quotes).Select(t => t.Symbol), cancellationToken);
            if (changes > 0) LogResynced(changes);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // The database is away: the next round tries again, and the open subscription stands meanwhile.
            LogResyncFailed(ex.Message);
        }
    }

    // Subscribes what is tracked but not streamed (a new symbol's session so far is filled, as after
    // a tracking message) and drops what is streamed but no longer tracked; returns how many changed.
    private async Task<int> SyncChannelAsync(StreamChannels channels, IReadOnlyCollection<string> streamed, IEnumerable<string> wanted, CancellationToken cancellationToken)
    {
        var want = wanted.ToHashSet(StringComparer.Ordinal);
        var missing = want.Where(symbol => !streamed.Contains(symbol)).Select(Symbol.Parse).ToList();
        var extra = streamed.Where(symbol => !want.Contains(symbol)).Select(Symbol.Parse).ToList();
        if (missing.Count > 0)
        {
            if (channels.HasFlag(StreamChannels.Bars)) await gaps.ArmAsync(missing, cancellationToken);
            else tickGaps.Arm(channels == StreamChannels.Trades ? missing.Select(s => s.Value) : [], channels == StreamChannels.Quotes ? missing.Select(s => s.Value) : []);
            await stream.SubscribeAsync(missing, channels, cancellationToken);
        }
        // Untracked: every channel goes (as on UntrackSymbol); trades or quotes turned off: that channel only.
        if (extra.Count > 0) await stream.UnsubscribeAsync(extra, channels.HasFlag(StreamChannels.Bars) ? StreamChannels.All : channels, cancellationToken);
        return missing.Count + extra.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The subscription differed from tracked_symbols in {Changes} symbol channels (a tracking message was missed): put right")]
    private partial void LogResynced(int changes);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not compare the subscription with tracked_symbols: {Reason}")]
    private partial void LogResyncFailed(string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stream has been silent for {Seconds:0} s while bars are expected: stalled, reconnecting")]
    private partial void LogStalled(double seconds);

    [LoggerMessage(Level = LogLevel.Information, Message = "Leading: streaming {Symbols} tracked symbols")]
    private partial void LogLeading(int symbols);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream connected to {Endpoint} (attempt {Attempt})")]
    private partial void LogConnected(Uri endpoint, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream disconnected: {Reason}; reconnecting in {Seconds:0.0} s")]
    private partial void LogDisconnected(string reason, double seconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream error {Code}: {Message}")]
    private partial void LogStreamError(int code, string message);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leadership lost (the lock's database session ended): the stream is closed; standing by")]
    private partial void LogLeadershipLost();

    [LoggerMessage(Level = LogLevel.Critical, Message = "The stream refused this account: {Reason}")]
    private partial void LogStreamRefused(string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Streaming failed: {Reason}; standing by, then trying again")]
    private partial void LogLeadFailed(string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Paused: the stream is closed until the agent is resumed")]
    private partial void LogPaused();
}
