using MassTransit;
using StockPlatform.Contracts;

namespace StockPlatform.Gateway.Events;

/// <summary>Puts the agents' job events on the gateway's <see cref="EventFeed"/>.</summary>
public sealed class JobEventsConsumer(EventFeed feed) : IConsumer<JobProgressed>, IConsumer<JobCompleted>, IConsumer<JobFailed>
{
    /// <inheritdoc />
    public Task Consume(ConsumeContext<JobProgressed> context)
    {
        var e = context.Message;
        feed.Append("job.progress", e.Symbol.Split(','), new
        {
            job_id = e.JobId, symbol = e.Symbol, sessions_done = e.SessionsDone, sessions_total = e.SessionsTotal,
            bars_inserted = e.BarsInserted, bars_corrected = e.BarsCorrected, rows_inserted = e.RowsInserted, at = e.At,
        }, e.At);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task Consume(ConsumeContext<JobCompleted> context)
    {
        var e = context.Message;
        feed.Append("job.completed", e.Symbol.Split(','), new
        {
            job_id = e.JobId, symbol = e.Symbol, sessions_total = e.SessionsTotal, bars_inserted = e.BarsInserted, bars_corrected = e.BarsCorrected,
            rows_inserted = e.RowsInserted, at = e.At,
        }, e.At);
        return Task.CompletedTask;
    }

    /// <inheritdoc />
    public Task Consume(ConsumeContext<JobFailed> context)
    {
        var e = context.Message;
        feed.Append("job.failed", e.Symbol.Split(','), new { job_id = e.JobId, symbol = e.Symbol, reason = e.Reason, at = e.At }, e.At);
        return Task.CompletedTask;
    }
}

/// <summary>Every gateway instance gets every event: a queue of its own, deleted when it stops.</summary>
public sealed class JobEventsConsumerDefinition : ConsumerDefinition<JobEventsConsumer>
{
    /// <summary>Names the instance's queue.</summary>
    public JobEventsConsumerDefinition()
    {
        Endpoint(endpoint =>
        {
            endpoint.InstanceId = Guid.NewGuid().ToString("N");
            endpoint.Temporary = true;
        });
    }
}
