using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Npgsql;
using StockPlatform.Storage.Infrastructure;

namespace StockPlatform.Storage.Tests;

public sealed class DbRetryTests
{
    private static readonly DbRetry Retry = new(Options.Create(new StorageOptions { MaxAttempts = 3 }), TimeProvider.System, NullLogger<DbRetry>.Instance);

    private static PostgresException Error(string sqlState) => new("refresh already in progress", "ERROR", "ERROR", sqlState);

    [Fact]
    public async Task An_error_the_operation_names_as_passing_is_retried_until_it_clears()
    {
        var attempts = 0;

        await Retry.ExecuteAsync(_ => ++attempts < 3 ? throw Error("22023") : ValueTask.CompletedTask, ex => ex.SqlState == "22023", CancellationToken.None);

        Assert.Equal(3, attempts);
    }

    [Fact]
    public async Task Other_errors_are_not_retried_and_passing_ones_give_up_after_the_attempts()
    {
        var attempts = 0;
        var other = await Assert.ThrowsAsync<PostgresException>(() => Retry.ExecuteAsync(_ =>
        {
            attempts++;
            throw Error("42601");
        }, ex => ex.SqlState == "22023", CancellationToken.None).AsTask());
        Assert.Equal(1, attempts);
        Assert.Equal("42601", other.SqlState);

        attempts = 0;
        await Assert.ThrowsAsync<PostgresException>(() => Retry.ExecuteAsync(_ =>
        {
            attempts++;
            throw Error("22023");
        }, ex => ex.SqlState == "22023", CancellationToken.None).AsTask());
        Assert.Equal(3, attempts);

        // Without the operation's own predicate the same error is final.
        attempts = 0;
        await Assert.ThrowsAsync<PostgresException>(() => Retry.ExecuteAsync<int>(_ =>
        {
            attempts++;
            throw Error("22023");
        }, CancellationToken.None).AsTask());
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task One_attempt_runs_the_operation_once_and_hands_on_its_failure()
    {
        var once = new DbRetry(Options.Create(new StorageOptions { MaxAttempts = 1 }), TimeProvider.System, NullLogger<DbRetry>.Instance);
        var attempts = 0;

        await Assert.ThrowsAsync<PostgresException>(() => once.ExecuteAsync(_ =>
        {
            attempts++;
            throw Error("22023");
        }, ex => ex.SqlState == "22023", CancellationToken.None).AsTask());
        Assert.Equal(1, attempts);
        Assert.Equal(42, await once.ExecuteAsync(_ => ValueTask.FromResult(42), CancellationToken.None));
    }
}
