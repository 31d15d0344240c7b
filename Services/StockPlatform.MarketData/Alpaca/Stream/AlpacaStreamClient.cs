using System.Buffers;
using System.Net.WebSockets;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StockPlatform.MarketData.Alpaca.Wire;
using StockPlatform.MarketData.Domain;

namespace StockPlatform.MarketData.Alpaca.Stream;

/// <summary>
/// Alpaca's market-data WebSocket: connect, authenticate, subscribe to <c>bars</c>,
/// <c>updatedBars</c> and <c>dailyBars</c>, and hand every event to the caller as an async
/// stream. A dropped connection is opened again with exponential back-off and jitter, and the
/// full subscription set is sent again; errors that retrying cannot fix (bad keys, a plan
/// without the feed) end the stream with an <see cref="AlpacaStreamException"/>.
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

    private ClientWebSocket? _socket;
    private int _running;

    /// <summary>Creates the client; nothing connects until <see cref="RunAsync"/> is enumerated.</summary>
    public AlpacaStreamClient(IOptions<AlpacaOptions> options, TimeProvider time, ILogger<AlpacaStreamClient> logger)
    {
        _options = options.Value;
        _time = time;
        _logger = logger;
    }

    /// <summary>The symbols whose minute bars are wanted.</summary>
    public IReadOnlyCollection<string> BarSymbols { get { lock (_gate) return [.. _bars]; } }

    /// <summary>
    /// Adds symbols to the subscription: minute bars, and optionally updated bars (late-trade
    /// corrections) and daily bars. Takes effect at once when connected, else on connect.
    /// </summary>
    public Task SubscribeAsync(IEnumerable<Symbol> symbols, bool updatedBars = true, bool dailyBars = false, CancellationToken cancellationToken = default)
    {
        var added = symbols.Select(s => s.Value).ToList();
        lock (_gate)
        {
            _bars.UnionWith(added);
            if (updatedBars) _updatedBars.UnionWith(added);
            if (dailyBars) _dailyBars.UnionWith(added);
        }
        return SendIfConnectedAsync(SubscriptionMessage("subscribe", added, updatedBars ? added : [], dailyBars ? added : []), cancellationToken);
    }

    /// <summary>Removes symbols from every channel.</summary>
    public Task UnsubscribeAsync(IEnumerable<Symbol> symbols, CancellationToken cancellationToken = default)
    {
        var removed = symbols.Select(s => s.Value).ToList();
        lock (_gate)
        {
            _bars.ExceptWith(removed);
            _updatedBars.ExceptWith(removed);
            _dailyBars.ExceptWith(removed);
        }
        return SendIfConnectedAsync(SubscriptionMessage("unsubscribe", removed, removed, removed), cancellationToken);
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
                try
                {
                    reason = await RunConnectionAsync(events, attempt, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is WebSocketException or IOException or HttpRequestException or TimeoutException or JsonException)
                {
                    reason = ex.Message;
                }

                // A connection that stayed up a while starts the back-off afresh.
                if (_time.GetElapsedTime(connectedAt) >= HealthyConnection) delay = _options.StreamReconnectDelay;
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
                                _time.GetUtcNow(), ReadList(message, "bars"), ReadList(message, "updatedBars"), ReadList(message, "dailyBars")), cancellationToken).ConfigureAwait(false);
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

    private byte[]? FullSubscription()
    {
        lock (_gate)
        {
            return _bars.Count + _updatedBars.Count + _dailyBars.Count == 0
                ? null
                : SubscriptionMessage("subscribe", [.. _bars], [.. _updatedBars], [.. _dailyBars]);
        }
    }

    private static byte[]? SubscriptionMessage(string action, IReadOnlyList<string> bars, IReadOnlyList<string> updatedBars, IReadOnlyList<string> dailyBars)
    {
        if (bars.Count + updatedBars.Count + dailyBars.Count == 0) return null;
        return Json(writer =>
        {
            writer.WriteString("action", action);
            WriteList(writer, "bars", bars);
            WriteList(writer, "updatedBars", updatedBars);
            WriteList(writer, "dailyBars", dailyBars);
        });

        static void WriteList(Utf8JsonWriter writer, string name, IReadOnlyList<string> symbols)
        {
            if (symbols.Count == 0) return;
            writer.WriteStartArray(name);
            foreach (var symbol in symbols) writer.WriteStringValue(symbol);
            writer.WriteEndArray();
        }
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

    [LoggerMessage(Level = LogLevel.Debug, Message = "Alpaca stream at {Host} closed before authentication")]
    private partial void LogNotAuthenticated(string host);
}
