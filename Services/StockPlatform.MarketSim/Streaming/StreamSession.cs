using System.Buffers;
using System.Net.WebSockets;
using System.Text.Json;
using System.Threading.Channels;
using Microsoft.AspNetCore.Connections;
using StockPlatform.MarketData.Domain;
using StockPlatform.MarketSim.Auth;
using StockPlatform.MarketSim.Options;

namespace StockPlatform.MarketSim.Streaming;

/// <summary>
/// One stream connection: the receive loop handles auth and subscriptions, and a single writer
/// task owns every send (a WebSocket allows one send at a time), fed by a bounded queue. A
/// client that lets the queue fill up, or one send stall, is a slow client: 407, then disconnect,
/// instead of buffering without bound.
/// </summary>
internal sealed partial class StreamSession
{
    private const int MaxMessageBytes = 64 * 1024;
    private static readonly TimeSpan CloseHandshakeTimeout = TimeSpan.FromSeconds(2);

    private readonly HttpContext _http;
    private readonly WebSocket _socket;
    private readonly bool _entitled;
    private readonly MarketSimOptions _options;
    private readonly StreamHub _hub;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Channel<Outgoing> _outbox;
    private readonly Lock _gate = new();
    private readonly List<ITimer> _timers = [];

    private Subscriptions _subscriptions = Subscriptions.Empty;
    private volatile State _state = State.Connected;
    private string? _keyId;
    private volatile bool _slow;
    private volatile bool _silent;
    private bool _finished;

    public StreamSession(HttpContext http, WebSocket socket, string endpoint, bool entitled, MarketSimOptions options, StreamHub hub, TimeProvider time, ILogger logger)
    {
        _http = http;
        _socket = socket;
        Endpoint = endpoint;
        DataFeed = endpoint == "iex" ? "iex" : "sip";
        _entitled = entitled;
        _options = options;
        _hub = hub;
        _time = time;
        _logger = logger;
        _outbox = Channel.CreateBounded<Outgoing>(new BoundedChannelOptions(options.Stream.SendQueueCapacity)
        {
            SingleReader = true,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    private enum State
    {
        Connected,
        Authenticated,
        Closing,
    }

    /// <summary>The feed in the path (<c>iex</c>, <c>sip</c>, <c>test</c>).</summary>
    public string Endpoint { get; }

    /// <summary>Whose bars this connection gets: <c>iex</c>, or SIP for the other endpoints.</summary>
    public string DataFeed { get; }

    /// <summary>The current subscriptions (read by the ticker without locking).</summary>
    public Subscriptions Subscriptions => Volatile.Read(ref _subscriptions);

    public async Task RunAsync()
    {
        var writer = Task.Run(WriteLoopAsync);
        Send(StreamFrames.Connected());

        var headers = _http.Request.Headers;
        if (headers.ContainsKey(Credentials.KeyIdHeader) || headers.ContainsKey(Credentials.SecretKeyHeader))
            Authenticate(headers[Credentials.KeyIdHeader], headers[Credentials.SecretKeyHeader]);
        else
            StartTimer(_options.Stream.AuthTimeout, OnAuthTimeout);

        try
        {
            await ReceiveLoopAsync();
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ConnectionAbortedException)
        {
            LogReceiveEnded(_logger, Endpoint, ex.Message);
        }
        finally
        {
            lock (_gate)
            {
                if (_keyId is not null && _state == State.Authenticated) _hub.Unregister(this, _keyId);
                _state = State.Closing;
                _finished = true;
                foreach (var timer in _timers) timer.Dispose();
            }
            _outbox.Writer.TryComplete();
            await writer;
        }
    }

    /// <summary>Queues a frame; never blocks (the ticker serves every connection from one loop).</summary>
    public void Send(byte[] frame) => Enqueue(new Outgoing(frame, default, null));

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[4096];
        var message = new ArrayBufferWriter<byte>();
        var oversized = false;
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer.AsMemory(), _http.RequestAborted);
            if (result.MessageType == WebSocketMessageType.Close)
            {
                // Either the client's answer to our close or its own close: reply if still owed, then end.
                BeginClose(WebSocketCloseStatus.NormalClosure, null);
                return;
            }

            if (message.WrittenCount + result.Count > MaxMessageBytes) oversized = true;
            else message.Write(buffer.AsSpan(0, result.Count));
            if (!result.EndOfMessage) continue;

            if (oversized || result.MessageType != WebSocketMessageType.Text) SendError(StreamErrors.InvalidSyntax);
            else Handle(message.WrittenSpan);
            message.ResetWrittenCount();
            oversized = false;
        }
    }

    private void Handle(ReadOnlySpan<byte> text)
    {
        if (_state == State.Closing) return;

        JsonDocument document;
        try
        {
            var reader = new Utf8JsonReader(text);
            document = JsonDocument.ParseValue(ref reader);
        }
        catch (JsonException)
        {
            SendError(StreamErrors.InvalidSyntax);
            return;
        }

        using (document)
        {
            var root = document.RootElement;
            var action = root.ValueKind == JsonValueKind.Object && root.TryGetProperty("action", out var a) && a.ValueKind == JsonValueKind.String
                ? a.GetString()
                : null;
            switch (action)
            {
                case "auth":
                    if (_state == State.Authenticated) SendError(StreamErrors.AlreadyAuthenticated);
                    else Authenticate(StringProperty(root, "key"), StringProperty(root, "secret"));
                    break;
                case "subscribe" or "unsubscribe":
                    if (_state != State.Authenticated) SendError(StreamErrors.NotAuthenticated);
                    else ChangeSubscriptions(root, subscribe: action == "subscribe");
                    break;
                default:
                    SendError(StreamErrors.InvalidSyntax);
                    break;
            }
        }
    }

    private void Authenticate(string? keyId, string? secretKey)
    {
        lock (_gate)
        {
            if (_state != State.Connected) return;

            if (Credentials.Check(_options, keyId, secretKey) != CredentialCheck.Accepted)
            {
                Refuse(StreamErrors.AuthFailed);
                return;
            }
            if (!_entitled)
            {
                Refuse(StreamErrors.InsufficientSubscription);
                return;
            }
            if (!_hub.TryRegister(this, keyId!))
            {
                Refuse(StreamErrors.ConnectionLimitExceeded);
                return;
            }

            _keyId = keyId;
            _state = State.Authenticated;
            Send(StreamFrames.Authenticated());
            if (_options.Faults.StreamDropAfter is { } dropAfter) StartTimer(dropAfter, Drop);
            if (_options.Faults.StreamSilenceAfter is { } silenceAfter) StartTimer(silenceAfter, GoSilent);
            if (_options.Faults.StreamSlowClientAfter is { } slowAfter) StartTimer(slowAfter, ActSlow);
        }
        LogAuthenticated(_logger, Endpoint, keyId);
    }

    private void ChangeSubscriptions(JsonElement root, bool subscribe)
    {
        var request = new Dictionary<string, List<string>>(StringComparer.Ordinal);
        foreach (var property in root.EnumerateObject())
        {
            if (!Subscriptions.Channels.Contains(property.Name)) continue;
            if (property.Value.ValueKind != JsonValueKind.Array)
            {
                SendError(StreamErrors.InvalidSyntax);
                return;
            }
            var symbols = new List<string>();
            foreach (var item in property.Value.EnumerateArray())
            {
                var symbol = item.ValueKind == JsonValueKind.String ? item.GetString() : null;
                if (symbol != Subscriptions.Wildcard && !Symbol.TryParse(symbol, out _))
                {
                    SendError(StreamErrors.InvalidSyntax);
                    return;
                }
                symbols.Add(symbol!);
            }
            request[property.Name] = symbols;
        }

        lock (_gate)
        {
            var next = _subscriptions.Apply(subscribe, request);
            if (subscribe && next.SymbolCount > _options.Stream.MaxSymbols)
            {
                SendError(StreamErrors.SymbolLimitExceeded);
                return;
            }
            Volatile.Write(ref _subscriptions, next);
            Send(StreamFrames.Subscription(next));
        }
    }

    private void OnAuthTimeout()
    {
        lock (_gate)
        {
            if (_state != State.Connected) return;
            Refuse(StreamErrors.AuthTimeout);
        }
    }

    /// <summary>Ends the connection now, abruptly (<see cref="Faults.RuntimeFaults.DropStreams"/>).</summary>
    public void Cut() => Drop();

    // Abrupt on purpose (Faults:StreamDropAfter): no close frame, the TCP connection just ends.
    private void Drop()
    {
        LogDropped(_logger, Endpoint, _keyId);
        _http.Abort();
    }

    // Faults:StreamSilenceAfter: the connection stays open but says nothing (frames are lost, as
    // from a stalled feed), for Faults:StreamSilenceFor or until it closes.
    private void GoSilent()
    {
        LogSilent(_logger, Endpoint, _keyId);
        _silent = true;
        if (_options.Faults.StreamSilenceFor is { } silenceFor) StartTimer(silenceFor, () => _silent = false);
    }

    // Faults:StreamSlowClientAfter: as if the send queue had filled up, so 407 and the disconnect follow.
    private void ActSlow()
    {
        _slow = true;
        _outbox.Writer.TryComplete();
    }

    private void Refuse((int Code, string Message) error)
    {
        SendError(error);
        BeginClose(WebSocketCloseStatus.PolicyViolation, error.Message);
    }

    private void SendError((int Code, string Message) error) => Send(StreamFrames.Error(error));

    private void BeginClose(WebSocketCloseStatus status, string? description)
    {
        lock (_gate)
        {
            if (_state == State.Closing) return;
            if (_state == State.Authenticated && _keyId is not null) _hub.Unregister(this, _keyId);
            Enqueue(new Outgoing(null, status, description));
            _state = State.Closing;
            _outbox.Writer.TryComplete();
            // A client that never answers the close handshake must not hold the connection.
            StartTimer(CloseHandshakeTimeout, _http.Abort);
        }
    }

    private void Enqueue(Outgoing item)
    {
        if (_state == State.Closing || _slow || (_silent && item.Frame is not null)) return;
        if (_outbox.Writer.TryWrite(item)) return;
        _slow = true;
        _outbox.Writer.TryComplete();
    }

    private async Task WriteLoopAsync()
    {
        try
        {
            await foreach (var item in _outbox.Reader.ReadAllAsync())
            {
                if (_slow) break;
                using var timeout = new CancellationTokenSource(_options.Stream.SendTimeout, _time);
                if (item.Frame is null)
                {
                    await _socket.CloseOutputAsync(item.CloseStatus, item.CloseDescription, timeout.Token);
                    return;
                }
                await _socket.SendAsync(item.Frame, WebSocketMessageType.Text, endOfMessage: true, timeout.Token);
            }

            if (_slow)
            {
                LogSlowClient(_logger, Endpoint, _keyId);
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(1), _time);
                await _socket.SendAsync(StreamFrames.Error(StreamErrors.SlowClient), WebSocketMessageType.Text, true, timeout.Token);
                _http.Abort();
            }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            // A send that stalls past the timeout is a slow client too; the socket is unusable now.
            _slow = true;
            _http.Abort();
        }
    }

    // Timer actions run under the gate and only while the request lives: once RunAsync has
    // finished, the HttpContext may be pooled and reused, and must not be touched.
    private void StartTimer(TimeSpan due, Action action)
    {
        lock (_gate)
        {
            if (_finished) return;
            _timers.Add(_time.CreateTimer(_ =>
            {
                lock (_gate)
                {
                    if (!_finished) action();
                }
            }, null, due, Timeout.InfiniteTimeSpan));
        }
    }

    private static string? StringProperty(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private readonly record struct Outgoing(byte[]? Frame, WebSocketCloseStatus CloseStatus, string? CloseDescription);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Endpoint}: key {KeyId} authenticated")]
    private static partial void LogAuthenticated(ILogger logger, string endpoint, string? keyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Endpoint}: dropping the connection of key {KeyId} (injected fault)")]
    private static partial void LogDropped(ILogger logger, string endpoint, string? keyId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Stream {Endpoint}: the connection of key {KeyId} goes silent (Faults:StreamSilenceAfter)")]
    private static partial void LogSilent(ILogger logger, string endpoint, string? keyId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stream {Endpoint}: key {KeyId} is a slow client; disconnecting")]
    private static partial void LogSlowClient(ILogger logger, string endpoint, string? keyId);

    [LoggerMessage(Level = LogLevel.Debug, Message = "Stream {Endpoint}: connection ended ({Reason})")]
    private static partial void LogReceiveEnded(ILogger logger, string endpoint, string reason);
}
