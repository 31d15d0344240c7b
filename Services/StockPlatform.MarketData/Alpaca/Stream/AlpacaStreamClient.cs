using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockPlatform.MarketData.Alpaca.Wire;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketData.Alpaca.Stream;

/// <summary>
/// Alpaca's market-data WebSocket: connect, authenticate, subscribe to <c>bars</c>,
/// <c>updatedBars</c>, <c>dailyBars</c>, <c>trades</c> and <c>quotes</c> (each symbol in the
/// channels asked for it), and hand every event to the caller as an async stream. Trades bring
/// their corrections and cancels, which arrive as <see cref="StreamTradeCorrectionReceived"/> and
/// <see cref="StreamTradeCancelReceived"/>. A dropped connection is opened again with exponential
/// back-off and jitter, and the full subscription set is sent again; errors that retrying cannot
/// fix (bad keys, a plan without the feed) end the stream with an <see cref="AlpacaStreamException"/>.
/// </summary>
public sealed partial class AlpacaStreamClient
{
    private static readonly TimeSpan HandshakeTimeout = TimeSpan.FromSeconds(15);
    private static readonly TimeSpan HealthyConnection = TimeSpan.FromSeconds(30);

    private readonly AlpacaOptions _options;
    private readonly TimeProvider _time;
    private readonly ILogger<AlpacaStreamClient> _logger;
    private readonly object _gate = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);

    // What the caller wants; sent in full after every (re)connect.
    private readonly SortedSet<string> _bars = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _updatedBars = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _dailyBars = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _trades = new(StringComparer.Ordinal);
    private readonly SortedSet<string> _quotes = new(StringComparer.Ordinal);

    private ClientWebSocket? _socket;
    private int _running;

    // The open connection's own cancellation, and why the caller asked to drop it (see Reconnect).
    private CancellationTokenSource? _connection;
    private string? _reconnectReason;

    /// <summary>Creates the client; nothing connects until <see cref="RunAsync"/> is enumerated.</summary>
    public AlpacaStreamClient(IOptions<AlpacaOptions> options, TimeProvider time, ILogger<AlpacaStreamClient> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>The symbols whose minute bars are wanted.</summary>
    public IReadOnlyCollection<string> BarSymbols { get { lock (_gate) return [.. _bars]; } }

    /// <summary>The symbols whose trades (with their corrections and cancels) are wanted.</summary>
    public IReadOnlyCollection<string> TradeSymbols { get { lock (_gate) return [.. _trades]; } }

    /// <summary>The symbols whose quotes are wanted.</summary>
    public IReadOnlyCollection<string> QuoteSymbols { get { lock (_gate) return [.. _quotes]; } }

    /// <summary>
    /// Adds symbols to the subscription: minute bars, and optionally updated bars (late-trade
    /// corrections) and daily bars. Takes effect at once when connected, else on connect.
    /// </summary>
    public Task SubscribeAsync(IEnumerable<Symbol> symbols, bool updatedBars = true, bool dailyBars = false, CancellationToken cancellationToken = default) =>
        SubscribeAsync(symbols, StreamChannels.Bars | (updatedBars ? StreamChannels.UpdatedBars : 0) | (dailyBars ? StreamChannels.DailyBars : 0), cancellationToken);

    /// <summary>
    /// Adds symbols to the given channels (say <c>Bars | Trades</c>); other channels of those
    /// symbols stay as they are. Takes effect at once when connected, else on connect.
    /// </summary>
    public Task SubscribeAsync(IEnumerable<Symbol> symbols, StreamChannels channels, CancellationToken cancellationToken = default)
    {
        var added = symbols.Select(s => s.Value).ToList();
        lock (_gate)
        {
            foreach (var (channel, set) in ChannelSets())
            {
                if (channels.HasFlag(channel)) set.UnionWith(added);
            }
        }
        return SendIfConnectedAsync(SubscriptionMessage("subscribe", channels, added), cancellationToken);
    }

    /// <summary>Removes symbols from every channel.</summary>
    public Task UnsubscribeAsync(IEnumerable<Symbol> symbols, CancellationToken cancellationToken = default) =>
        UnsubscribeAsync(symbols, StreamChannels.All, cancellationToken);

    /// <summary>Removes symbols from the given channels only (say <c>Quotes</c>, keeping bars and trades).</summary>
    public Task UnsubscribeAsync(IEnumerable<Symbol> symbols, StreamChannels channels, CancellationToken cancellationToken = default)
    {
        var removed = symbols.Select(s => s.Value).ToList();
        lock (_gate)
        {
            foreach (var (channel, set) in ChannelSets())
            {
                if (channels.HasFlag(channel)) set.ExceptWith(removed);
            }
        }
        return SendIfConnectedAsync(SubscriptionMessage("unsubscribe", channels, removed), cancellationToken);
    }

    /// <summary>
    /// Drops the open connection (one that looks healthy but has gone silent, say) and opens
    /// another after the usual back-off and jitter, resubscribing everything. Unlike a connection
    /// that stayed up a while and then closed, a dropped one does not start the back-off afresh:
    /// a server that keeps going silent is asked less and less often. Nothing happens when no
    /// connection is open.
    /// </summary>
    public void Reconnect(string reason)
    {
        CancellationTokenSource? connection;
        lock (_gate)
        {
            connection = _connection;
            if (connection is null) return;
            _reconnectReason = reason;
        }
        try { connection.Cancel(); }
        catch (ObjectDisposedException) { }
    }

    /// <summary>
    /// Connects and yields events until <paramref name="cancellationToken"/> is cancelled or the
    /// enumeration stops. One enumeration at a time: Alpaca allows one connection per account.
    /// </summary>
    public async IAsyncEnumerable<AlpacaStreamEvent> RunAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        if (Interlocked.Exchange(ref _running, 1) == 1)
            throw new InvalidOperationException("The stream is already running; Alpaca allows one connection per account.");

        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        // Bounded: if the consumer stalls, reading from the socket stalls too, and Alpaca's 407
        // (slow client) tells us so, instead of memory growing without limit.
        var events = Channel.CreateBounded<AlpacaStreamEvent>(new BoundedChannelOptions(10_000) { SingleReader = true, SingleWriter = true });
        var loop = Task.Run(() => ConnectionLoopAsync(events.Writer, stop.Token), CancellationToken.None);
        try
        {
            await foreach (var streamEvent in events.Reader.ReadAllAsync(cancellationToken).ConfigureAwait(false))
                yield return streamEvent;
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            try { await loop.ConfigureAwait(false); }
            catch (OperationCanceledException) { }
            Volatile.Write(ref _running, 0);
        }
    }

    private async Task ConnectionLoopAsync(ChannelWriter<AlpacaStreamEvent> events, CancellationToken cancellationToken)
    {
        var attempt = 0;
        var delay = _options.StreamReconnectDelay;
        try
        {
            while (true)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var connectedAt = _time.GetTimestamp();
                string reason;
                using var connection = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                lock (_gate)
                {
                    _connection = connection;
                    _reconnectReason = null;
                }
                try
                {
                    reason = await RunConnectionAsync(events, attempt, connection.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is WebSocketException or IOException or HttpRequestException or TimeoutException or JsonException)
                {
                    reason = ex.Message;
                }
                catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested && connection.IsCancellationRequested)
                {
                    reason = "dropped by the client";
                }
                string? asked;
                lock (_gate)
                {
                    _connection = null;
                    asked = _reconnectReason;
                }
                // A connection that stayed up a while starts the back-off afresh; one dropped on request
                // (silent: see Reconnect) does not, however long it was open.
                if (asked is not null) reason = asked;
                else if (_time.GetElapsedTime(connectedAt) >= HealthyConnection) delay = _options.StreamReconnectDelay;
                var wait = WithJitter(delay);
                LogDisconnected(reason, wait.TotalMilliseconds);
                await events.WriteAsync(new StreamDisconnected(_time.GetUtcNow(), reason, true, wait), cancellationToken).ConfigureAwait(false);
                await Task.Delay(wait, _time, cancellationToken).ConfigureAwait(false);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.StreamMaxReconnectDelay.Ticks));
                attempt++;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            events.TryComplete();
        }
        catch (Exception ex)
        {
            events.TryComplete(ex);
        }
    }

    /// <summary>One connection from handshake to close. Returns why it ended; throws when retrying cannot help.</summary>
    private async Task<string> RunConnectionAsync(ChannelWriter<AlpacaStreamEvent> events, int attempt, CancellationToken cancellationToken)
    {
        if (!_options.HasCredentials)
            throw new AlpacaStreamException("Alpaca API keys are not configured: set ALPACA_KEY_ID and ALPACA_SECRET_KEY.", null);

        var endpoint = _options.GetStreamUri();
        using var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = _options.StreamKeepAlive;
        // A ping that gets no pong in time means the connection is dead even if TCP has not noticed.
        socket.Options.KeepAliveTimeout = _options.StreamKeepAlive * 2;

        using (var connectTimeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            connectTimeout.CancelAfter(HandshakeTimeout);
            try
            {
                await socket.ConnectAsync(endpoint, connectTimeout.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"no WebSocket handshake with {endpoint.Host} within {HandshakeTimeout.TotalSeconds:0} s");
            }
        }

        var buffer = new ArrayBufferWriter<byte>(16 * 1024);
        var authenticated = false;
        try
        {
            while (true)
            {
                using var frame = await ReceiveAsync(socket, buffer, cancellationToken).ConfigureAwait(false);
                if (frame is null)
                    return $"server closed the connection ({socket.CloseStatus?.ToString() ?? "no status"}: {socket.CloseStatusDescription})";
                if (frame.RootElement.ValueKind != JsonValueKind.Array) continue;

                foreach (var message in frame.RootElement.EnumerateArray())
                {
                    var type = message.TryGetProperty("T", out var t) ? t.GetString() : null;
                    switch (type)
                    {
                        case "b" or "u" or "d":
                            await events.WriteAsync(ToBarEvent(message, type), cancellationToken).ConfigureAwait(false);
                            break;

                        case "t" or "q" or "c" or "x":
                            if (ToTickEvent(message, type) is { } tick) await events.WriteAsync(tick, cancellationToken).ConfigureAwait(false);
                            break;

                        // Alpaca greets first; authenticating before the greeting is not part of the protocol.
                        case "success" when IsSuccess(message, "connected"):
                            await SendAsync(socket, AuthMessage(), cancellationToken).ConfigureAwait(false);
                            break;

                        case "success" when IsSuccess(message, "authenticated"):
                            authenticated = true;
                            lock (_gate) _socket = socket;
                            LogConnected(endpoint.Host, attempt);
                            await events.WriteAsync(new StreamConnected(_time.GetUtcNow(), endpoint, attempt), cancellationToken).ConfigureAwait(false);
                            if (FullSubscription() is { } subscribe) await SendAsync(socket, subscribe, cancellationToken).ConfigureAwait(false);
                            break;

                        case "subscription":
                            await events.WriteAsync(new StreamSubscriptionChanged(
                                _time.GetUtcNow(), ReadList(message, "bars"), ReadList(message, "updatedBars"), ReadList(message, "dailyBars"),
                                ReadList(message, "trades"), ReadList(message, "quotes"), ReadList(message, "corrections"), ReadList(message, "cancelErrors")),
                                cancellationToken).ConfigureAwait(false);
                            break;

                        case "error":
                            var code = message.TryGetProperty("code", out var c) && c.TryGetInt32(out var n) ? n : 0;
                            var text = message.TryGetProperty("msg", out var m) ? m.GetString() ?? string.Empty : string.Empty;
                            var outcome = StreamErrorCodes.OutcomeOf(code);
                            LogStreamError(code, text, outcome);
                            await events.WriteAsync(new StreamErrorReceived(_time.GetUtcNow(), code, text, outcome), cancellationToken).ConfigureAwait(false);
                            if (outcome == StreamErrorOutcome.Fatal) throw new AlpacaStreamException(StreamErrorCodes.Describe(code, text), code);
                            if (outcome == StreamErrorOutcome.Reconnect) return StreamErrorCodes.Describe(code, text);
                            break;
                    }
                }
            }
        }
        finally
        {
            lock (_gate)
            {
                if (ReferenceEquals(_socket, socket)) _socket = null;
            }
            if (!authenticated) LogNotAuthenticated(endpoint.Host);
            if (socket.State == WebSocketState.Open)
            {
                // Close politely so Alpaca frees the account's single connection slot at once.
                using var closeTimeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                try { await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "closing", closeTimeout.Token).ConfigureAwait(false); }
                catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException) { }
            }
        }
    }

    private StreamBarReceived ToBarEvent(JsonElement message, string type)
    {
        var symbol = Symbol.Parse(message.GetProperty("S").GetString());
        var bar = new Bar(
            AlpacaJson.ParseTimestamp(message.GetProperty("t").GetString() ?? string.Empty),
            message.GetProperty("o").GetDecimal(),
            message.GetProperty("h").GetDecimal(),
            message.GetProperty("l").GetDecimal(),
            message.GetProperty("c").GetDecimal(),
            message.GetProperty("v").GetInt64(),
            message.TryGetProperty("n", out var n) ? n.GetInt64() : 0,
            message.TryGetProperty("vw", out var vw) ? vw.GetDecimal() : 0m);
        var kind = type switch { "u" => StreamBarKind.Updated, "d" => StreamBarKind.Daily, _ => StreamBarKind.Minute };
        return new StreamBarReceived(_time.GetUtcNow(), symbol, bar, kind);
    }

    /// <summary>
    /// A trade, quote, correction or cancel; null (logged) when the message cannot be read, since one
    /// odd message among thousands a second is no reason to drop the connection or the stream.
    /// </summary>
    private AlpacaStreamEvent? ToTickEvent(JsonElement message, string type)
    {
        try
        {
            return type switch
            {
                "t" => new StreamTradeReceived(_time.GetUtcNow(), ReadSymbol(message), AlpacaTickJson.ReadTrade(JsonMarshal.GetRawUtf8Value(message))),
                "q" => new StreamQuoteReceived(_time.GetUtcNow(), ReadSymbol(message), AlpacaTickJson.ReadQuote(JsonMarshal.GetRawUtf8Value(message))),
                "c" => ToCorrectionEvent(message),
                _ => ToCancelEvent(message),
            };
        }
        catch (Exception ex) when (ex is JsonException or FormatException or InvalidOperationException or KeyNotFoundException)
        {
            LogUnreadable(type, ex.Message);
            return null;
        }
    }

    private StreamTradeCorrectionReceived ToCorrectionEvent(JsonElement message)
    {
        // One message carries both versions of the trade: "o…" fields before, "c…" fields after.
        var time = ReadTime(message);
        var exchange = ReadText(message, "x");
        var tape = ReadText(message, "z");
        var original = new Trade(time, ReadLong(message, "oi"), exchange, ReadDecimal(message, "op"), ReadLong(message, "os"), ReadList(message, "oc"), tape);
        var corrected = new Trade(time, ReadLong(message, "ci"), exchange, ReadDecimal(message, "cp"), ReadLong(message, "cs"), ReadList(message, "cc"), tape);
        return new StreamTradeCorrectionReceived(_time.GetUtcNow(), ReadSymbol(message), original, corrected);
    }

    private StreamTradeCancelReceived ToCancelEvent(JsonElement message)
    {
        var trade = new Trade(ReadTime(message), ReadLong(message, "i"), ReadText(message, "x"), ReadDecimal(message, "p"), ReadLong(message, "s"), [], ReadText(message, "z"));
        var kind = ReadText(message, "a") == "E" ? StreamTradeCancelKind.Error : StreamTradeCancelKind.Cancel;
        return new StreamTradeCancelReceived(_time.GetUtcNow(), ReadSymbol(message), trade, kind);
    }

    private static Symbol ReadSymbol(JsonElement message) => Symbol.Parse(message.GetProperty("S").GetString());

    private static NanoTime ReadTime(JsonElement message)
    {
        var text = message.GetProperty("t").GetString() ?? string.Empty;
        return NanoTime.TryParse(text, out var time) ? time : throw new JsonException($"'{text}' is not an RFC 3339 timestamp");
    }

    private static string ReadText(JsonElement message, string name) =>
        message.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() ?? string.Empty : string.Empty;

    private static long ReadLong(JsonElement message, string name) =>
        !message.TryGetProperty(name, out var value) || value.ValueKind != JsonValueKind.Number ? 0
        : value.TryGetInt64(out var whole) ? whole
        : (long)value.GetDecimal();

    private static decimal ReadDecimal(JsonElement message, string name) =>
        message.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.Number ? value.GetDecimal() : 0m;

    private static bool IsSuccess(JsonElement message, string what) =>
        message.TryGetProperty("msg", out var msg) && msg.ValueKind == JsonValueKind.String && msg.GetString() == what;

    private static IReadOnlyList<string> ReadList(JsonElement message, string name) =>
        message.TryGetProperty(name, out var list) && list.ValueKind == JsonValueKind.Array
            ? [.. list.EnumerateArray().Select(item => item.GetString() ?? string.Empty)]
            : [];

    /// <summary>Reads one whole message (which may span frames); null when the server closed.</summary>
    private static async Task<JsonDocument?> ReceiveAsync(ClientWebSocket socket, ArrayBufferWriter<byte> buffer, CancellationToken cancellationToken)
    {
        buffer.ResetWrittenCount();
        while (true)
        {
            var memory = buffer.GetMemory(8 * 1024);
            var result = await socket.ReceiveAsync(memory, cancellationToken).ConfigureAwait(false);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            buffer.Advance(result.Count);
            if (result.EndOfMessage) return JsonDocument.Parse(buffer.WrittenMemory);
        }
    }

    private async Task SendIfConnectedAsync(byte[]? message, CancellationToken cancellationToken)
    {
        ClientWebSocket? socket;
        lock (_gate) socket = _socket;
        if (socket is null || message is null) return; // sent in full once (re)connected
        try
        {
            await SendAsync(socket, message, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is WebSocketException or IOException or ObjectDisposedException)
        {
            // The connection is going away; the reconnect sends the whole set anyway.
        }
    }

    private async Task SendAsync(ClientWebSocket socket, byte[] message, CancellationToken cancellationToken)
    {
        // WebSocket sends must not overlap: subscribe calls race with the connection loop.
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await socket.SendAsync(message, WebSocketMessageType.Text, endOfMessage: true, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private byte[] AuthMessage() => Json(writer =>
    {
        writer.WriteString("action", "auth");
        writer.WriteString("key", _options.KeyId);
        writer.WriteString("secret", _options.SecretKey);
    });

    /// <summary>Each channel with its wire name and the symbols wanted in it (call under <see cref="_gate"/>).</summary>
    private IEnumerable<(StreamChannels Channel, SortedSet<string> Symbols)> ChannelSets()
    {
        yield return (StreamChannels.Bars, _bars);
        yield return (StreamChannels.UpdatedBars, _updatedBars);
        yield return (StreamChannels.DailyBars, _dailyBars);
        yield return (StreamChannels.Trades, _trades);
        yield return (StreamChannels.Quotes, _quotes);
    }

    private byte[]? FullSubscription()
    {
        lock (_gate)
        {
            var lists = ChannelSets().Where(c => c.Symbols.Count > 0).Select(c => (c.Channel, (IReadOnlyList<string>)[.. c.Symbols])).ToList();
            return SubscriptionMessage("subscribe", lists);
        }
    }

    private static byte[]? SubscriptionMessage(string action, StreamChannels channels, IReadOnlyList<string> symbols) =>
        SubscriptionMessage(action, [.. WireNames.Where(c => channels.HasFlag(c.Channel)).Select(c => (c.Channel, symbols))]);

    private static readonly (StreamChannels Channel, string Name)[] WireNames =
    [
        (StreamChannels.Bars, "bars"),
        (StreamChannels.UpdatedBars, "updatedBars"),
        (StreamChannels.DailyBars, "dailyBars"),
        (StreamChannels.Trades, "trades"),
        (StreamChannels.Quotes, "quotes"),
    ];

    private static byte[]? SubscriptionMessage(string action, IReadOnlyList<(StreamChannels Channel, IReadOnlyList<string> Symbols)> lists)
    {
        if (lists.All(list => list.Symbols.Count == 0)) return null;
        return Json(writer =>
        {
            writer.WriteString("action", action);
            foreach (var (channel, symbols) in lists)
            {
                // Corrections and cancels come with trades; Alpaca takes no list of their own.
                if (symbols.Count == 0) continue;
                writer.WriteStartArray(Array.Find(WireNames, c => c.Channel == channel).Name);
                foreach (var symbol in symbols) writer.WriteStringValue(symbol);
                writer.WriteEndArray();
            }
        });
    }

    private static byte[] Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            write(writer);
            writer.WriteEndObject();
        }
        return buffer.WrittenSpan.ToArray();
    }

    private static TimeSpan WithJitter(TimeSpan delay) =>
        TimeSpan.FromMilliseconds(delay.TotalMilliseconds * (0.5 + (Random.Shared.NextDouble() * 0.5)));

    [LoggerMessage(Level = LogLevel.Information, Message = "Alpaca stream connected and authenticated at {Host} (reconnect {Attempt})")]
    private partial void LogConnected(string host, int attempt);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alpaca stream disconnected: {Reason}; reconnecting in {DelayMs:0} ms")]
    private partial void LogDisconnected(string reason, double delayMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alpaca stream error {Code} ({Message}): {Outcome}")]
    private partial void LogStreamError(int code, string message, StreamErrorOutcome outcome);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Alpaca stream message of type {Type} skipped, it could not be read: {Reason}")]
    private partial void LogUnreadable(string type, string reason);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Alpaca stream at {Host} closed before authentication")]
    private partial void LogNotAuthenticated(string host);
}
