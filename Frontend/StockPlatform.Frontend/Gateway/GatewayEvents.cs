using System.Net.ServerSentEvents;
using System.Text.Json;

namespace StockPlatform.Frontend.Gateway;

/// <summary>
/// One event from the gateway's <c>GET /events</c>: its kind (job.progress, job.completed, ...,
/// bar.new, bar.correction; see <see cref="LiveBar"/>) and JSON data.
/// </summary>
public sealed record GatewayEvent(string Kind, JsonElement Data)
{
    /// <summary>The job the event is about, when it is a job event.</summary>
    public Guid? JobId => Data.ValueKind == JsonValueKind.Object && Data.TryGetProperty("job_id", out var id) && id.TryGetGuid(out var guid) ? guid : null;
}

/// <summary>
/// One server-sent-events connection from this dashboard server to the gateway, shared by every
/// open page: pages subscribe to <see cref="Received"/> and refresh what an event touches. It asks
/// for every kind (no filter), so job events and live bars (<see cref="LiveBar"/>) both arrive. A
/// dropped connection is opened again after a back-off (1 s doubling to 30 s) with
/// <c>Last-Event-ID</c>, so no event in the gateway's buffer is missed; a <c>gap</c> event (the
/// buffer moved on) is passed on like the others, and pages reload what they show.
/// </summary>
public sealed class GatewayEvents(IHttpClientFactory clients, ILogger<GatewayEvents> logger) : BackgroundService
{
    /// <summary>The named client for the stream: no resilience handler, whose timeouts would cut a stream that is meant to stay open.</summary>
    public const string ClientName = "gateway-events";

    private static readonly TimeSpan FirstBackOff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan MaxBackOff = TimeSpan.FromSeconds(30);

    /// <summary>Raised on the stream's thread for every event but heartbeats; handlers must be quick.</summary>
    public event Action<GatewayEvent>? Received;

    /// <summary>Whether the stream is open now.</summary>
    public bool Connected { get; private set; }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        string? lastId = null;
        var backOff = FirstBackOff;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, "/events");
                if (lastId is not null) request.Headers.Add("Last-Event-ID", lastId);
                using var response = await clients.CreateClient(ClientName).SendAsync(request, HttpCompletionOption.ResponseHeadersRead, stoppingToken);
                response.EnsureSuccessStatusCode();
                Connected = true;
                backOff = FirstBackOff;
                await using var body = await response.Content.ReadAsStreamAsync(stoppingToken);
                await foreach (var item in SseParser.Create(body).EnumerateAsync(stoppingToken))
                {
                    if (!string.IsNullOrEmpty(item.EventId)) lastId = item.EventId;
                    if (item.EventType == "heartbeat") continue;
                    Publish(item.EventType, item.Data);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or JsonException or OperationCanceledException)
            {
                logger.LogInformation("The gateway's event stream dropped ({Reason}); reconnecting in {Seconds:0} s", ex.Message, backOff.TotalSeconds);
            }
            Connected = false;
            await Task.Delay(backOff, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
            backOff = TimeSpan.FromTicks(Math.Min(MaxBackOff.Ticks, backOff.Ticks * 2));
        }
    }

    /// <summary>Hands one event to every page (internal: tests raise events through it without a stream).</summary>
    internal void Publish(string kind, string data)
    {
        JsonElement json;
        try
        {
            using var document = JsonDocument.Parse(data);
            json = document.RootElement.Clone();
        }
        catch (JsonException)
        {
            json = default;
        }
        foreach (var handler in Received?.GetInvocationList().Cast<Action<GatewayEvent>>() ?? [])
        {
            try
            {
                handler(new GatewayEvent(kind, json));
            }
            catch (Exception ex)
            {
                // One page's handler failing must not end the stream for the others.
                logger.LogWarning(ex, "A page's event handler failed on {Kind}", kind);
            }
        }
    }
}
