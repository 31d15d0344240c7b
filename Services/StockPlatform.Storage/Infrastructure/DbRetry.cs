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
    // An operation's own retryable errors, beyond the transient ones every operation retries.
    private static readonly ResiliencePropertyKey<Func<PostgresException, bool>> AlsoRetryKey = new("stockplatform.also-retry");

    private readonly ResiliencePipeline _pipeline;

    /// <summary>Creates the retry policy from <see cref="StorageOptions.MaxAttempts"/>.</summary>
    public DbRetry(IOptions<StorageOptions> options, TimeProvider time, ILogger<DbRetry> logger)
    {
        // One attempt (Storage:MaxAttempts=1) is no retry at all: Polly's retry refuses zero retries.
        var retries = options.Value.MaxAttempts - 1;
        if (retries < 1)
        {
            _pipeline = ResiliencePipeline.Empty;
            return;
        }
        _pipeline = new ResiliencePipelineBuilder { TimeProvider = time }
            .AddRetry(new RetryStrategyOptions
            {
                MaxRetryAttempts = retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(250),
                MaxDelay = TimeSpan.FromSeconds(10),
                ShouldHandle = args => ValueTask.FromResult(args.Outcome.Exception switch
                {
                    NpgsqlException ex when IsTransient(ex) => true,
                    PostgresException ex => args.Context.Properties.TryGetValue(AlsoRetryKey, out var alsoRetry) && alsoRetry(ex),
                    TimeoutException => true,
                    _ => false,
                }),
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

    /// <summary>
    /// Runs <paramref name="operation"/>, again on transient failures and on the server errors
    /// <paramref name="alsoRetry"/> accepts (an error that is passing for this operation only).
    /// </summary>
    public async ValueTask ExecuteAsync(Func<CancellationToken, ValueTask> operation, Func<PostgresException, bool> alsoRetry, CancellationToken cancellationToken)
    {
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(AlsoRetryKey, alsoRetry);
        try
        {
            await _pipeline.ExecuteAsync(static (context, operation) => operation(context.CancellationToken), context, operation).ConfigureAwait(false);
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }
    }

    private static bool IsTransient(NpgsqlException exception) =>
        exception.IsTransient
        || exception is PostgresException { SqlState: PostgresErrorCodes.AdminShutdown or PostgresErrorCodes.CrashShutdown or PostgresErrorCodes.CannotConnectNow or PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected };

    [LoggerMessage(Level = LogLevel.Warning, Message = "Database operation failed (attempt {Attempt}): {Reason}; retrying in {DelayMs:0} ms")]
    private static partial void LogRetry(ILogger logger, int attempt, string reason, double delayMs);
}
