using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Runtime.Versioning;
using System.Text;
using Npgsql;
using StockPlatform.Testing;

namespace StockPlatform.Chaos.Stack;

/// <summary>
/// The run's own PostgreSQL and RabbitMQ (never the shared servers: the run restarts them), run
/// by <c>scripts/local-server.sh</c> as the AppHost runs them, on free ports with their data in
/// one temporary directory. Each can be stopped and started again on the same data and port,
/// as a crash-free restart or an upgrade would. PostgreSQL is on the TimescaleDB path unless
/// <c>STOCKPLATFORM_TIMESCALE=off</c> (the script reads it); RabbitMQ has its management API,
/// through which the run reads the error queues.
/// </summary>
[UnsupportedOSPlatform("windows")]
internal sealed class ChaosServers : IAsyncDisposable
{
    private const string RabbitUser = "chaos";

    private readonly string _password = Guid.NewGuid().ToString("N");
    private readonly int _pgPort = LocalServer.FreePort();
    private readonly int _amqpPort = LocalServer.FreePort();
    private readonly int _managementPort = LocalServer.FreePort();
    private readonly int _distributionPort = LocalServer.FreePort();
    private readonly int _epmdPort = LocalServer.FreePort();
    private readonly string _nodeName = $"chaos{Environment.ProcessId}@localhost";
    private LocalServer? _postgres;
    private LocalServer? _rabbitMq;

    private ChaosServers(string directory) => Directory = directory;

    /// <summary>Where both servers keep their data and logs.</summary>
    public string Directory { get; }

    /// <summary>The <c>stockplatform</c> database (no pooling here: the run's own reads open a connection each).</summary>
    public string PostgresConnectionString => $"Host=127.0.0.1;Port={_pgPort};Database=stockplatform;Username=postgres;Password={_password}";

    public string MessagingConnectionString => $"amqp://{RabbitUser}:{_password}@127.0.0.1:{_amqpPort}";

    /// <summary>True when PostgreSQL runs with TimescaleDB preloaded (the environment's path).</summary>
    public static bool Timescale => !string.Equals(Environment.GetEnvironmentVariable("STOCKPLATFORM_TIMESCALE"), "off", StringComparison.OrdinalIgnoreCase);

    /// <summary>Starts both servers and waits until each accepts clients.</summary>
    public static async Task<ChaosServers> StartAsync(TimeSpan timeout)
    {
        var servers = new ChaosServers(LocalServer.NewDataDirectory("chaos-servers-"));
        try
        {
            await Task.WhenAll(servers.StartPostgresAsync(timeout), servers.StartRabbitMqAsync(timeout));
            return servers;
        }
        catch
        {
            await servers.DisposeAsync();
            throw;
        }
    }

    /// <summary>Stops PostgreSQL (a fast shutdown: clients are cut off), waits <paramref name="down"/>, starts it again.</summary>
    public async Task RestartPostgresAsync(TimeSpan down, TimeSpan timeout)
    {
        if (_postgres is not null) await _postgres.DisposeAsync();
        _postgres = null;
        await Task.Delay(down);
        await StartPostgresAsync(timeout);
    }

    /// <summary>Stops RabbitMQ (durable queues and persistent messages stay on disk), waits <paramref name="down"/>, starts it again.</summary>
    public async Task RestartRabbitMqAsync(TimeSpan down, TimeSpan timeout)
    {
        if (_rabbitMq is not null) await _rabbitMq.DisposeAsync();
        _rabbitMq = null;
        await Task.Delay(down);
        await StartRabbitMqAsync(timeout);
    }

    /// <summary>Every queue of the broker with its ready and unacknowledged messages (management API).</summary>
    public async Task<IReadOnlyList<QueueDepth>> ListQueuesAsync()
    {
        using var http = ManagementClient();
        using var json = System.Text.Json.JsonDocument.Parse(await http.GetStringAsync("/api/queues?columns=name,messages"));
        return [.. json.RootElement.EnumerateArray().Select(queue => new QueueDepth(
            queue.GetProperty("name").GetString()!,
            queue.TryGetProperty("messages", out var messages) && messages.ValueKind == System.Text.Json.JsonValueKind.Number ? messages.GetInt64() : 0))];
    }

    /// <summary>
    /// Up to <paramref name="count"/> messages of a queue, looked at and put back (their MassTransit
    /// fault headers say why each landed there).
    /// </summary>
    public async Task<string> PeekAsync(string queue, int count)
    {
        using var http = ManagementClient();
        using var body = new StringContent($$"""{"count":{{count}},"ackmode":"ack_requeue_true","encoding":"auto","truncate":2000}""", Encoding.UTF8, "application/json");
        using var response = await http.PostAsync($"/api/queues/%2F/{Uri.EscapeDataString(queue)}/get", body);
        return await response.Content.ReadAsStringAsync();
    }

    private HttpClient ManagementClient()
    {
        var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{_managementPort}"), Timeout = TimeSpan.FromSeconds(10) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{RabbitUser}:{_password}")));
        return http;
    }

    private async Task StartPostgresAsync(TimeSpan timeout)
    {
        _postgres = LocalServer.Start("postgres", new Dictionary<string, string>
        {
            ["LOCAL_DATA_DIR"] = Directory,
            ["LOCAL_PORT"] = _pgPort.ToString(CultureInfo.InvariantCulture),
            ["LOCAL_PASSWORD"] = _password,
            ["STOCKPLATFORM_TIMESCALE"] = Timescale ? "on" : "off",
        });
        var server = _postgres;
        await UntilAsync("PostgreSQL", server, timeout, async () =>
        {
            await using var connection = new NpgsqlConnection(PostgresConnectionString + ";Pooling=false;Timeout=3");
            await connection.OpenAsync();
        });
    }

    private async Task StartRabbitMqAsync(TimeSpan timeout)
    {
        _rabbitMq = LocalServer.Start("rabbitmq", new Dictionary<string, string>
        {
            ["LOCAL_DATA_DIR"] = Directory,
            ["LOCAL_PORT"] = _amqpPort.ToString(CultureInfo.InvariantCulture),
            ["LOCAL_PASSWORD"] = _password,
            ["LOCAL_USER"] = RabbitUser,
            ["LOCAL_NODE_NAME"] = _nodeName,
            ["LOCAL_DIST_PORT"] = _distributionPort.ToString(CultureInfo.InvariantCulture),
            ["LOCAL_EPMD_PORT"] = _epmdPort.ToString(CultureInfo.InvariantCulture),
            ["LOCAL_MANAGEMENT_PORT"] = _managementPort.ToString(CultureInfo.InvariantCulture),
        });
        var server = _rabbitMq;
        // Ready when AMQP listens and the management API answers (it starts last).
        await UntilAsync("RabbitMQ", server, timeout, async () =>
        {
            using (var tcp = new TcpClient()) await tcp.ConnectAsync("127.0.0.1", _amqpPort);
            await ListQueuesAsync();
        });
    }

    private static async Task UntilAsync(string name, LocalServer server, TimeSpan timeout, Func<Task> probe)
    {
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            try
            {
                await probe();
                return;
            }
            catch (Exception ex) when (ex is NpgsqlException or SocketException or HttpRequestException or TaskCanceledException or TimeoutException)
            {
                if (server.HasExited || DateTime.UtcNow > deadline)
                    throw new InvalidOperationException($"{name} did not start ({ex.Message}):\n{string.Join('\n', server.Output.TakeLast(40))}", ex);
                await Task.Delay(250);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Each stopped whatever the other does: a server left running would outlive the run.
        try
        {
            if (_postgres is not null) await _postgres.DisposeAsync();
        }
        finally
        {
            if (_rabbitMq is not null) await _rabbitMq.DisposeAsync();
        }
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (IOException)
        {
            // A server's last file handle closing late; the temporary directory is cleaned up with /tmp.
        }
    }
}

/// <summary>A queue and the messages in it (ready and unacknowledged).</summary>
internal sealed record QueueDepth(string Name, long Messages);
