using System.Net.WebSockets;
using System.Text;
using System.Text.Json;

namespace StockPlatform.MarketData.Tests.Support;

/// <summary>The server side of one WebSocket connection, played by a test as Alpaca would.</summary>
internal sealed class ScriptedSocket(WebSocket socket, CancellationToken aborted)
{
    public Task SendAsync(string json) =>
        socket.SendAsync(Encoding.UTF8.GetBytes(json), WebSocketMessageType.Text, endOfMessage: true, aborted);

    /// <summary>The client's next message; null once it closed.</summary>
    public async Task<JsonElement?> ReceiveAsync()
    {
        var buffer = new byte[64 * 1024];
        var length = 0;
        while (true)
        {
            var received = await socket.ReceiveAsync(buffer.AsMemory(length), aborted);
            if (received.MessageType == WebSocketMessageType.Close) return null;
            length += received.Count;
            if (received.EndOfMessage) return JsonDocument.Parse(buffer.AsMemory(0, length)).RootElement.Clone();
        }
    }

    /// <summary>Greets, expects the auth message and confirms it, as Alpaca does on every connection.</summary>
    public async Task HandshakeAsync()
    {
        await SendAsync("""[{"T":"success","msg":"connected"}]""");
        var auth = await ReceiveAsync() ?? throw new InvalidOperationException("the client closed before authenticating");
        if (auth.GetProperty("action").GetString() != "auth") throw new InvalidOperationException("expected auth, got " + auth);
        await SendAsync("""[{"T":"success","msg":"authenticated"}]""");
    }

    /// <summary>Waits until the client leaves (or the test ends).</summary>
    public async Task HoldAsync()
    {
        try
        {
            while (await ReceiveAsync() is not null) { }
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
    }

    /// <summary>Drops the connection as a server restart would (the client's answer is not awaited).</summary>
    public async Task CloseAsync()
    {
        try
        {
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "test drop", aborted);
        }
        catch (Exception ex) when (ex is WebSocketException or OperationCanceledException)
        {
        }
    }
}
