using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace StockPlatform.MarketSim.Tests.Support;

/// <summary>A raw <see cref="ClientWebSocket"/> speaking the stream protocol, for asserting on the exact frames.</summary>
internal sealed class StreamClient : IAsyncDisposable
{
    private readonly ClientWebSocket _socket;

    private StreamClient(ClientWebSocket socket) => _socket = socket;

    public WebSocketState State => _socket.State;

    public static async Task<StreamClient> ConnectAsync(Uri uri, (string KeyId, string SecretKey)? headerAuth = null)
    {
        var socket = new ClientWebSocket();
        if (headerAuth is { } auth)
        {
            socket.Options.SetRequestHeader("APCA-API-KEY-ID", auth.KeyId);
            socket.Options.SetRequestHeader("APCA-API-SECRET-KEY", auth.SecretKey);
        }
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await socket.ConnectAsync(uri, timeout.Token);
        return new StreamClient(socket);
    }

    /// <summary>Connects, checks the greeting and authenticates by message.</summary>
    public static async Task<StreamClient> ConnectAndAuthenticateAsync(Uri uri, string keyId = SimHost.KeyId, string secretKey = SimHost.SecretKey)
    {
        var client = await ConnectAsync(uri);
        Assert.Equal("""[{"T":"success","msg":"connected"}]""", await client.ReceiveTextAsync());
        await client.SendAsync(new { action = "auth", key = keyId, secret = secretKey });
        Assert.Equal("""[{"T":"success","msg":"authenticated"}]""", await client.ReceiveTextAsync());
        return client;
    }

    public Task SendAsync(object message) => SendTextAsync(JsonSerializer.Serialize(message));

    public async Task SendTextAsync(string text)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(5));
        await _socket.SendAsync(Encoding.UTF8.GetBytes(text), WebSocketMessageType.Text, true, timeout.Token);
    }

    /// <summary>The next text frame; null when the server closed the connection with a close frame.</summary>
    public async Task<string?> ReceiveTextAsync(TimeSpan? timeout = null)
    {
        using var cancel = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(10));
        var buffer = new byte[64 * 1024];
        using var message = new MemoryStream();
        while (true)
        {
            var result = await _socket.ReceiveAsync(buffer, cancel.Token);
            if (result.MessageType == WebSocketMessageType.Close) return null;
            message.Write(buffer, 0, result.Count);
            if (result.EndOfMessage) return Encoding.UTF8.GetString(message.ToArray());
        }
    }

    /// <summary>The messages of the next frame (every frame is a JSON array).</summary>
    public async Task<JsonElement[]> ReceiveFrameAsync(TimeSpan? timeout = null)
    {
        var text = await ReceiveTextAsync(timeout) ?? throw new InvalidOperationException("the server closed the stream");
        using var document = JsonDocument.Parse(text);
        Assert.Equal(JsonValueKind.Array, document.RootElement.ValueKind);
        return document.RootElement.EnumerateArray().Select(e => e.Clone()).ToArray();
    }

    /// <summary>Collects messages until <paramref name="done"/> holds for the list so far.</summary>
    public async Task<List<JsonElement>> CollectAsync(Func<List<JsonElement>, bool> done, TimeSpan timeout)
    {
        var messages = new List<JsonElement>();
        var deadline = DateTime.UtcNow + timeout;
        while (!done(messages))
        {
            var left = deadline - DateTime.UtcNow;
            if (left <= TimeSpan.Zero) throw new TimeoutException($"gave up after {timeout}; received {messages.Count} messages: {string.Join(" ", messages.Take(20))}");
            messages.AddRange(await ReceiveFrameAsync(left));
        }
        return messages;
    }

    /// <summary>
    /// Waits until the server ends the connection; true when it sent a close frame, false when the
    /// connection just broke off.
    /// </summary>
    public async Task<bool> WaitForEndAsync(TimeSpan timeout)
    {
        try
        {
            while (await ReceiveTextAsync(timeout) is not null)
            {
            }
            return true;
        }
        catch (WebSocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_socket.State == WebSocketState.Open)
        {
            try
            {
                using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(2));
                await _socket.CloseAsync(WebSocketCloseStatus.NormalClosure, null, timeout.Token);
            }
            catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
            {
                // The server may already be gone; nothing to clean up then.
            }
        }
        _socket.Dispose();
    }
}

/// <summary>Accessors for stream messages.</summary>
internal static class StreamMessage
{
    public static string Type(this JsonElement message) => message.GetProperty("T").GetString()!;

    public static string Symbol(this JsonElement message) => message.GetProperty("S").GetString()!;
}
