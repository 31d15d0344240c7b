using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using Polly;
using Polly.Retry;

namespace StockPlatform.Storage.Infrastructure;

/// <summary>
/// Retries a database operation on transient failures (a server restart, a dropped connection, a
/// failover), with exponential back-off and jitter. Every operation passed in must be safe to
/// run again from the start: they are whole transactions, and our writes are idempotent.
/// </summary>
public sealed partial class DbRetry
{
    private readonly ResiliencePipeline _pipeline;

    /// <summary>Creates the retry policy from <see cref="StorageOptions.MaxAttempts"/>.</summary>
    public DbRetry(IOptions<StorageOptions> options, TimeProvider time, ILogger<DbRetry> logger)
    {
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = Math.Max(0, options.Value.MaxAttempts - 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(250),
                MaxDelay = TimeSpan.FromSeconds(10),
                ShouldHandle = new PredicateBuilder().Handle<NpgsqlException>(IsTransient).Handle<TimeoutException>(),
                OnRetry = args =>
                {
                    LogRetry(logger, args.AttemptNumber + 1, args.Outcome.Exception?.Message ?? "unknown", args.RetryDelay.TotalMilliseconds);
                    return ValueTask.CompletedTask;
                },
            })
            .Build();
    }

    /// <summary>Runs <paramref name="operation"/>, again on transient failures.</summary>
    public ValueTask<T> ExecuteAsync<T>(Func<CancellationToken, ValueTask<T>> operation, CancellationToken cancellationToken) =>
        _pipeline.ExecuteAsync(operation, cancellationToken);

    private static bool IsTransient(NpgsqlException exception) =>
        exception.IsTransient
        || exception is PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database operation failed (attempt {Attempt}): {Reason}; retrying in {DelayMs:0} ms")]
    private static partial void LogRetry(ILogger logger, int attempt, string reason, double delayMs);
}
