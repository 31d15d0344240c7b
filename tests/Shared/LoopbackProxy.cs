using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;

namespace StockPlatform.Testing;

/// <summary>
/// A TCP relay on a loopback port to a server (PostgreSQL, say), so a test can cut a service off
/// from it and restore it without stopping the server that other tests share. <see cref="Cut"/>
/// resets every open connection and refuses new ones; <see cref="Restore"/> accepts them again on
/// the same port.
/// </summary>
internal sealed class LoopbackProxy : IAsyncDisposable
{
    private readonly string _targetHost;
    private readonly int _targetPort;
    private readonly ConcurrentDictionary<Socket, byte> _sockets = new();
    private readonly Lock _lock = new();
    private TcpListener? _listener;
    private CancellationTokenSource? _accepting;
    private int _connections;

    private LoopbackProxy(string targetHost, int targetPort)
    {
        _targetHost = targetHost;
        _targetPort = targetPort;
    }

    /// <summary>The loopback port to connect to instead of the server's.</summary>
    public int Port { get; private set; }

    /// <summary>Connections relayed since the start (a test can tell the service really goes through the proxy).</summary>
    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Starts relaying a free loopback port to <paramref name="targetHost"/>:<paramref name="targetPort"/>.</summary>
    public static LoopbackProxy Start(string targetHost, int targetPort)
    {
        var proxy = new LoopbackProxy(targetHost, targetPort);
        proxy.Listen(0);
        return proxy;
    }

    /// <summary>Resets every relayed connection and refuses new ones until <see cref="Restore"/>.</summary>
    public void Cut()
    {
        lock (_lock)
        {
            _accepting?.Cancel();
            _listener?.Stop();
            _listener = null;
        }
        foreach (var socket in _sockets.Keys) Reset(socket);
    }

    /// <summary>Accepts connections again, on the same port.</summary>
    public void Restore()
    {
        lock (_lock)
        {
            if (_listener is null) Listen(Port);
        }
    }

    private void Listen(int port)
    {
        var listener = new TcpListener(IPAddress.Loopback, port);
        listener.Server.SetSocketOption(SocketOptionLevel.Socket, SocketOptionName.ReuseAddress, true);
        listener.Start();
        Port = ((IPEndPoint)listener.LocalEndpoint).Port;
        _listener = listener;
        _accepting = new CancellationTokenSource();
        _ = AcceptAsync(listener, _accepting.Token);
    }

    private async Task AcceptAsync(TcpListener listener, CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await listener.AcceptSocketAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or SocketException or ObjectDisposedException)
            {
                return;
            }
            Interlocked.Increment(ref _connections);
            _ = RelayAsync(client, cancellationToken);
        }
    }

    private async Task RelayAsync(Socket client, CancellationToken cancellationToken)
    {
        var server = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        _sockets[client] = 0;
        _sockets[server] = 0;
        try
        {
            await server.ConnectAsync(_targetHost, _targetPort, cancellationToken);
            await using var fromClient = new NetworkStream(client, ownsSocket: false);
            await using var toServer = new NetworkStream(server, ownsSocket: false);
            // Whichever side ends first ends the pair.
            await Task.WhenAny(fromClient.CopyToAsync(toServer, cancellationToken), toServer.CopyToAsync(fromClient, cancellationToken));
        }
        catch (Exception ex) when (ex is IOException or SocketException or OperationCanceledException or ObjectDisposedException)
        {
            // Cut, or a side closed: both are closed below.
        }
        finally
        {
            Reset(client);
            Reset(server);
        }
    }

    // Closed with a reset, as a crashed server or a broken network looks to the client.
    private void Reset(Socket socket)
    {
        if (!_sockets.TryRemove(socket, out _)) return;
        try
        {
            socket.LingerState = new LingerOption(true, 0);
            socket.Close();
        }
        catch (Exception ex) when (ex is SocketException or ObjectDisposedException)
        {
            // Already gone.
        }
    }

    public ValueTask DisposeAsync()
    {
        Cut();
        return ValueTask.CompletedTask;
    }
}
