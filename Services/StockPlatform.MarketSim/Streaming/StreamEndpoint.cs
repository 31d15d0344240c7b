using System.Net.WebSockets;
using Microsoft.Extensions.Options;
using StockPlatform.MarketSim.Options;

namespace StockPlatform.MarketSim.Streaming;

/// <summary>
/// <c>ws://…/v2/{feed}</c>: the real-time stream. <c>iex</c> and <c>sip</c> stream their feed
/// when <see cref="MarketSimOptions.Feeds"/> allows it (otherwise 409 after auth, like an account
/// without the subscription); <c>test</c> is always open and streams SIP data.
/// </summary>
internal static class StreamEndpoint
{
    // Feeds Alpaca serves under /v2 or v1beta1; other names are not endpoints at all (404).
    private static readonly HashSet<string> KnownFeeds = ["iex", "sip", "test", "delayed_sip", "boats", "overnight", "otc"];

    public static IEndpointRouteBuilder MapStreamEndpoint(this IEndpointRouteBuilder app)
    {
        app.Map("/v2/{feed}", Connect).WithName("Stream").WithTags("Stream");
        return app;
    }

    internal static async Task<IResult> Connect(
        string feed, HttpContext http, StreamHub hub, IOptions<MarketSimOptions> options, TimeProvider time, ILoggerFactory loggers)
    {
        if (!KnownFeeds.Contains(feed)) return TypedResults.NotFound();
        if (!http.WebSockets.IsWebSocketRequest)
            return TypedResults.Text("this is a WebSocket endpoint: connect with a WebSocket client", statusCode: StatusCodes.Status400BadRequest);

        var entitled = feed == "test" || options.Value.Feeds.Contains(feed, StringComparer.Ordinal);
        using var socket = await http.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext
        {
            KeepAliveInterval = TimeSpan.FromSeconds(15),
            DangerousEnableCompression = true,
        });
        var session = new StreamSession(http, socket, feed, entitled, options.Value, hub, time, loggers.CreateLogger<StreamSession>());
        await session.RunAsync();
        return TypedResults.Empty;
    }
}
