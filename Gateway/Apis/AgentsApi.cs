using MassTransit;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using StockPlatform.Contracts;
using StockPlatform.Gateway.Events;
using StockPlatform.Gateway.Operations;
using StockPlatform.Storage.Agents;

namespace StockPlatform.Gateway.Apis;

/// <summary>
/// The agents from one place: <c>GET /agents</c> (each instance with its heartbeat's age and a
/// status), <c>POST /agents/{agent}/pause</c> and <c>/resume</c> (API key) and <c>GET /alerts</c>.
/// </summary>
public static class AgentsApi
{
    /// <summary>Most alerts one request lists.</summary>
    public const int MaxAlerts = 1000;

    /// <summary>Maps the agent and alert endpoints.</summary>
    public static IEndpointRouteBuilder MapAgentsApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/agents", ListAgentsAsync).WithName("ListAgents").WithTags("Operations")
            .WithSummary("Every agent instance with its last heartbeat, its age and a status: ok, stalled or stopped; and which agents are paused");
        app.MapPost("/agents/{agent}/pause", PauseAsync).WithName("PauseAgent").WithTags("Operations")
            .WithSummary("Pause an agent (API key): it takes no new work, hands back the work in hand, and stays paused across restarts")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapPost("/agents/{agent}/resume", ResumeAsync).WithName("ResumeAgent").WithTags("Operations")
            .WithSummary("Resume a paused agent (API key)")
            .ProducesProblem(StatusCodes.Status404NotFound);
        app.MapGet("/alerts", ListAlertsAsync).WithName("ListAlerts").WithTags("Operations")
            .WithSummary("Alerts, newest first: active=true (default) lists those still active; active=false recent ones too");
        return app;
    }

    /// <summary>One agent instance as its last heartbeat described it, judged now.</summary>
    public sealed record AgentResponse(
        string Agent, string Instance, string Version, string Status, string State, bool Paused, string? Task, double? Progress,
        IReadOnlyDictionary<string, long> Counters, DateTime StartedAt, DateTime SeenAt, double AgeSeconds, double HeartbeatIntervalSeconds);

    /// <summary>The pause asked for an agent.</summary>
    public sealed record ControlResponse(string Agent, bool Paused, DateTime ChangedAt);

    /// <summary>The body of <c>GET /agents</c>.</summary>
    public sealed record AgentList(double CheckIntervalSeconds, IReadOnlyList<AgentResponse> Agents, IReadOnlyList<ControlResponse> Controls);

    /// <summary>The body of <c>GET /alerts</c>.</summary>
    public sealed record AlertList(IReadOnlyList<AlertResponse> Alerts);

    internal static async Task<Ok<AgentList>> ListAgentsAsync(AgentStore agents, IOptions<OperationsOptions> options, TimeProvider time, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var now = time.GetUtcNow();
        var beats = await agents.ListBeatsAsync(cancellationToken);
        var quietOwners = (await agents.ListQuietJobsAsync(now - settings.JobStalledAfter, cancellationToken)).SelectMany(job => job.LeaseOwners).ToHashSet();
        var controls = await agents.ListControlsAsync(cancellationToken);
        var list = beats.Select(beat => new AgentResponse(beat.Agent, beat.Instance, beat.Version, AgentHealth.StatusOf(beat, now, settings, quietOwners),
            beat.State, beat.Paused, beat.Task, beat.Progress, beat.Counters, beat.StartedAt.UtcDateTime, beat.SeenAt.UtcDateTime,
            Math.Round(Math.Max(0, (now - beat.SeenAt).TotalSeconds), 1), beat.Interval.TotalSeconds)).ToList();
        return TypedResults.Ok(new AgentList(settings.CheckInterval.TotalSeconds, list,
            [.. controls.Select(control => new ControlResponse(control.Agent, control.Paused, control.ChangedAt.UtcDateTime))]));
    }

    internal static Task<Results<Ok<ControlResponse>, ProblemHttpResult>> PauseAsync(
        string agent, AgentStore agents, IPublishEndpoint bus, EventFeed feed, IOptions<OperationsOptions> options, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        ControlAsync(agent, paused: true, agents, bus, feed, options, time, loggers, cancellationToken);

    internal static Task<Results<Ok<ControlResponse>, ProblemHttpResult>> ResumeAsync(
        string agent, AgentStore agents, IPublishEndpoint bus, EventFeed feed, IOptions<OperationsOptions> options, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken) =>
        ControlAsync(agent, paused: false, agents, bus, feed, options, time, loggers, cancellationToken);

    private static async Task<Results<Ok<ControlResponse>, ProblemHttpResult>> ControlAsync(
        string agent, bool paused, AgentStore agents, IPublishEndpoint bus, EventFeed feed, IOptions<OperationsOptions> options, TimeProvider time,
        ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var known = options.Value.Agents.Concat((await agents.ListBeatsAsync(cancellationToken)).Select(beat => beat.Agent)).ToHashSet(StringComparer.Ordinal);
        if (!known.Contains(agent))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown agent",
                detail: $"agent: '{RequestParsing.Shorten(agent)}' is not an agent; the agents are {string.Join(", ", known.Order(StringComparer.Ordinal))}.");
        }
        // Stored first, then announced: an instance that misses the command reads the store at its next heartbeat.
        var control = await agents.SetPausedAsync(agent, paused, cancellationToken);
        using (var publishing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
        {
            publishing.CancelAfter(TimeSpan.FromSeconds(5));
            try
            {
                await bus.Publish(new ControlAgent(agent, null, paused ? AgentCommand.Pause : AgentCommand.Resume), publishing.Token);
            }
            catch (Exception ex) when (!cancellationToken.IsCancellationRequested)
            {
                // The wish is stored: the agents apply it at their next heartbeat, the broker or not.
                loggers.CreateLogger(typeof(AgentsApi).FullName!).LogWarning("The {Command} of {Agent} is stored but was not announced ({Reason}); it applies at the next heartbeat",
                    paused ? "pause" : "resume", agent, ex.Message);
            }
        }
        var response = new ControlResponse(control.Agent, control.Paused, control.ChangedAt.UtcDateTime);
        feed.Append("agent.control", [], response, time.GetUtcNow());
        return TypedResults.Ok(response);
    }

    internal static async Task<Results<Ok<AlertList>, ValidationProblem>> ListAlertsAsync(
        string? active, string? limit, AgentStore agents, CancellationToken cancellationToken)
    {
        var problems = new ApiProblems();
        var activeOnly = RequestParsing.OneOf(active, "active", "true", problems, "true", "false");
        var count = RequestParsing.Int(limit, "limit", 100, 1, MaxAlerts, problems);
        if (problems.Any) return problems.ToResult();
        var alerts = await agents.ListAlertsAsync(activeOnly == "true", count!.Value, cancellationToken);
        return TypedResults.Ok(new AlertList([.. alerts.Select(AlertResponse.From)]));
    }
}
