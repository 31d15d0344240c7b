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
                state.Heard(streamEvent.At);
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
    // is gone. A connection silent past the stall timeout while the market is open is as good as
    // dead (the socket may look healthy): the stream is closed and opened again, holes filled.
    private async Task WatchLeadershipAsync(CancellationTokenSource leading)
    {
        try
        {
            while (!leading.IsCancellationRequested)
            {
                await Task.Delay(options.Value.LeaderRetry, time, leading.Token);
                if (!await leader.IsHeldAsync(leading.Token))
                {
                    await leading.CancelAsync();
                    return;
                }
                var now = time.GetUtcNow();
                if (state.State == "streaming" && state.LastMessage is { } last && now - last > options.Value.StallTimeout && MarketHours.IsOpen(now))
                {
                    LogStalled((now - last).TotalSeconds);
                    await leading.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
            // The stream ended first.
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The stream has been silent for {Seconds:0} s while the market is open: reconnecting")]
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
