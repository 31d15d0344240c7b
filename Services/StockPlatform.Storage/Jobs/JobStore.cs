using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Storage.Jobs;

/// <summary>
/// Jobs and their tasks: the queue's durable state. A job's progress and status are always
/// recomputed from its tasks in the same transaction that changes one, so redelivered or
/// concurrent task updates can never double-count. A task runs only under a lease
/// (<see cref="ClaimTaskAsync"/>): one owner at a time, taken over only once it expires.
/// </summary>
public sealed class JobStore(NpgsqlDataSource dataSource, StorageSchema schema, DbRetry retry)
{
    private const string JobColumns =
        "id, kind, symbol, start_date, end_date, feed, status, sessions_done, sessions_total, bars_inserted, bars_corrected, error, created_at, updated_at, failed_windows, " +
        "datasets, trades_inserted, quotes_inserted";

    private const string TaskColumns =
        "id, job_id, seq, symbol, start_date, end_date, feed, status, attempts, sessions_done, bars_inserted, bars_corrected, updated_at, lease_owner, lease_expires, retry_at, error, " +
        "datasets, trades_inserted, quotes_inserted";

    // Progress and status follow from the tasks: once none is open, succeeded, or failed with
    // the first failed window's reason when any failed.
    private const string Recompute = $"""
        UPDATE jobs j SET
            sessions_total = t.total, sessions_done = t.done, bars_inserted = t.inserted, bars_corrected = t.corrected,
            trades_inserted = t.trades, quotes_inserted = t.quotes, failed_windows = t.failed,
            status = CASE WHEN j.status IN ('queued', 'running') AND t.open = 0 AND t.failed > 0 THEN 'failed'
                          WHEN j.status IN ('queued', 'running') AND t.open = 0 AND t.count > 0 THEN 'succeeded'
                          WHEN j.status = 'queued' AND t.started > 0 THEN 'running'
                          ELSE j.status END,
            error = CASE WHEN j.status IN ('queued', 'running') AND t.open = 0 AND t.failed > 0 THEN t.first_error ELSE j.error END,
            updated_at = now()
        FROM (SELECT coalesce(sum(sessions_total), 0)::int AS total, coalesce(sum(sessions_done), 0)::int AS done,
                     coalesce(sum(bars_inserted), 0)::bigint AS inserted, coalesce(sum(bars_corrected), 0)::bigint AS corrected,
                     coalesce(sum(trades_inserted), 0)::bigint AS trades, coalesce(sum(quotes_inserted), 0)::bigint AS quotes,
                     count(*) FILTER (WHERE status IN ('pending', 'running')) AS open, count(*) AS count,
                     count(*) FILTER (WHERE status = 'failed')::int AS failed,
                     count(*) FILTER (WHERE status <> 'pending') AS started,
                     (array_agg(error ORDER BY seq) FILTER (WHERE status = 'failed'))[1] AS first_error
              FROM job_tasks WHERE job_id = @job) t
        WHERE j.id = @job
        RETURNING {JobColumns}
        """;

    // A task a worker may take: pending and not waiting out a back-off, or running under a lease
    // that expired (its agent died); its job still open.
    private const string Claimable = """
        ((t.status = 'pending' AND (t.retry_at IS NULL OR t.retry_at <= now()))
         OR (t.status = 'running' AND t.lease_expires < now()))
        AND j.status IN ('queued', 'running')
        """;

    /// <summary>
    /// Creates a job with one task per window, or returns the queued or running job with the same
    /// kind, symbol, range and feed (<c>Created</c> false), so asking twice starts nothing twice.
    /// </summary>
    public Task<(Job Job, IReadOnlyList<JobTask> Tasks, bool Created)> CreateOrGetActiveAsync(
        string kind, string symbol, DateOnly start, DateOnly end, string feed, IReadOnlyList<JobWindow> windows, CancellationToken cancellationToken = default) =>
        CreateOrGetActiveAsync(kind, [symbol], start, end, feed, windows, cancellationToken);

    /// <summary>
    /// Creates a job of several symbols with one task per symbol and window (window by window, so
    /// the tasks over the same dates go out together and are fetched together), or returns the
    /// queued or running job with the same kind, symbols (in any order), range and feed.
    /// </summary>
    public Task<(Job Job, IReadOnlyList<JobTask> Tasks, bool Created)> CreateOrGetActiveAsync(
        string kind, IReadOnlyList<string> symbols, DateOnly start, DateOnly end, string feed, IReadOnlyList<JobWindow> windows, CancellationToken cancellationToken = default) =>
        CreateOrGetActiveAsync(kind, symbols, start, end, feed, kind == JobKinds.Backfill ? JobDatasets.Default : [], windows, cancellationToken);

    /// <summary>
    /// Creates a job of several symbols fetching <paramref name="datasets"/> (a backfill's
    /// <see cref="JobDatasets"/>; empty for other kinds), every task fetching them all, or returns
    /// the queued or running job with the same kind, symbols, range, feed and datasets.
    /// </summary>
    public async Task<(Job Job, IReadOnlyList<JobTask> Tasks, bool Created)> CreateOrGetActiveAsync(
        string kind, IReadOnlyList<string> symbols, DateOnly start, DateOnly end, string feed, IReadOnlyList<string> datasets,
        IReadOnlyList<JobWindow> windows, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfZero(symbols.Count);
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        var tickers = symbols.Distinct(StringComparer.Ordinal).ToArray();
        var data = JobDatasets.Normalize(datasets).ToArray();
        var key = IdempotencyKey(kind, tickers, start, end, feed, data);
        return await retry.ExecuteAsync(async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
            var id = Guid.CreateVersion7();
            await using (var insert = new NpgsqlCommand("""
                INSERT INTO jobs (id, kind, symbol, symbols, start_date, end_date, feed, datasets, status, idempotency_key, sessions_total)
                VALUES (@id, @kind, @symbol, @symbols, @start, @end, @feed, @datasets, 'queued', @key, @total)
                ON CONFLICT (idempotency_key) WHERE status IN ('queued', 'running') DO NOTHING
                """, connection, transaction))
            {
                insert.Parameters.AddWithValue("id", id);
                insert.Parameters.AddWithValue("kind", kind);
                insert.Parameters.AddWithValue("symbol", string.Join(',', tickers));
                insert.Parameters.AddWithValue("symbols", tickers);
                insert.Parameters.AddWithValue("start", start);
                insert.Parameters.AddWithValue("end", end);
                insert.Parameters.AddWithValue("feed", feed);
                insert.Parameters.Add(new NpgsqlParameter<string[]>("datasets", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = data });
                insert.Parameters.AddWithValue("key", key);
                insert.Parameters.AddWithValue("total", windows.Sum(w => w.SessionsTotal) * tickers.Length);
                if (await insert.ExecuteNonQueryAsync(token).ConfigureAwait(false) == 0)
                {
                    await transaction.RollbackAsync(token).ConfigureAwait(false);
                    var active = await QueryJobsAsync(connection, null, $"SELECT {JobColumns} FROM jobs WHERE idempotency_key = @key AND status IN ('queued', 'running')", token, ("key", key)).ConfigureAwait(false);
                    if (active.Count == 0) throw new InvalidOperationException("the active job for this key finished while it was being looked up; ask again");
                    return (active[0], await GetTasksAsync(connection, active[0].Id, token).ConfigureAwait(false), false);
                }
            }

            // One multi-row insert: a job of hundreds of symbols over years has thousands of tasks.
            var rows = windows.SelectMany(window => tickers.Select(ticker => (Window: window, Symbol: ticker))).ToList();
            await using (var insertTasks = new NpgsqlCommand("""
                INSERT INTO job_tasks (id, job_id, seq, symbol, start_date, end_date, feed, datasets, status, sessions_total)
                SELECT id, @job, seq, symbol, start_date, end_date, @feed, @datasets, 'pending', total
                FROM unnest(@ids, @seqs, @symbols, @starts, @ends, @totals) AS t(id, seq, symbol, start_date, end_date, total)
                """, connection, transaction))
            {
                insertTasks.Parameters.AddWithValue("job", id);
                insertTasks.Parameters.AddWithValue("feed", feed);
                insertTasks.Parameters.Add(new NpgsqlParameter<string[]>("datasets", NpgsqlDbType.Array | NpgsqlDbType.Text) { TypedValue = data });
                insertTasks.Parameters.AddWithValue("ids", rows.Select(_ => Guid.CreateVersion7()).ToArray());
                insertTasks.Parameters.AddWithValue("seqs", Enumerable.Range(0, rows.Count).ToArray());
                insertTasks.Parameters.AddWithValue("symbols", rows.Select(r => r.Symbol).ToArray());
                insertTasks.Parameters.AddWithValue("starts", rows.Select(r => r.Window.Start).ToArray());
                insertTasks.Parameters.AddWithValue("ends", rows.Select(r => r.Window.End).ToArray());
                insertTasks.Parameters.AddWithValue("totals", rows.Select(r => r.Window.SessionsTotal).ToArray());
                await insertTasks.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }
            var job = (await QueryJobsAsync(connection, transaction, $"SELECT {JobColumns} FROM jobs WHERE id = @id", token, ("id", id)).ConfigureAwait(false))[0];
            var tasks = await GetTasksAsync(connection, id, token, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(token).ConfigureAwait(false);
            return (job, tasks, true);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// What makes two requests the same job. Symbols are sorted so their order does not matter;
    /// many are hashed, as a long list would outgrow what a B-tree index entry may hold. A backfill
    /// of bars alone keeps the key it had before jobs named datasets, so a job queued by an earlier
    /// version is still found.
    /// </summary>
    private static string IdempotencyKey(string kind, string[] symbols, DateOnly start, DateOnly end, string feed, string[] datasets)
    {
        var sorted = string.Join(',', symbols.Order(StringComparer.Ordinal));
        if (sorted.Length > 200)
            sorted = "sha256:" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(sorted)));
        var key = $"{kind}:{sorted}:{start:yyyy-MM-dd}:{end:yyyy-MM-dd}:{feed}";
        return datasets.Length == 0 || datasets.SequenceEqual(JobDatasets.Default) ? key : $"{key}:{string.Join(',', datasets)}";
    }

    /// <summary>A job by id, or null.</summary>
    public async Task<Job?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var jobs = await QueryAsync($"SELECT {JobColumns} FROM jobs WHERE id = @id", cancellationToken, ("id", id)).ConfigureAwait(false);
        return jobs.Count == 0 ? null : jobs[0];
    }

    /// <summary>Jobs, newest first, optionally by status and by a symbol they include.</summary>
    public Task<IReadOnlyList<Job>> ListAsync(JobStatus? status = null, string? symbol = null, int limit = 100, CancellationToken cancellationToken = default) =>
        QueryAsync($"""
            SELECT {JobColumns} FROM jobs
            WHERE (@status::text IS NULL OR status = @status) AND (@symbol::text IS NULL OR symbols @> ARRAY[@symbol::text])
            ORDER BY created_at DESC, id DESC LIMIT @limit
            """, cancellationToken,
            ("status", status is null ? DBNull.Value : ToText(status.Value)), ("symbol", (object?)symbol ?? DBNull.Value), ("limit", limit));

    /// <summary>The tasks of a job, in order.</summary>
    public async Task<IReadOnlyList<JobTask>> GetTasksAsync(Guid jobId, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync(async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            return await GetTasksAsync(connection, jobId, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Takes a task for <paramref name="owner"/> until now + <paramref name="lease"/> (one more
    /// attempt) and marks its job running. Null when the task is not claimable: done, failed,
    /// cancelled, held by a live lease, waiting out a back-off, or its job finished. A redelivered
    /// or duplicate message then does nothing.
    /// </summary>
    public async Task<JobTask?> ClaimTaskAsync(Guid taskId, string owner, TimeSpan lease, CancellationToken cancellationToken = default) =>
        (await ChangeTaskAsync(taskId, $"""
            UPDATE job_tasks t SET status = 'running', attempts = t.attempts + 1, lease_owner = @owner,
                lease_expires = now() + @lease, retry_at = NULL, updated_at = now()
            FROM jobs j
            WHERE t.id = @id AND j.id = t.job_id AND {Claimable}
            RETURNING {Prefixed(TaskColumns, "t.")}
            """, cancellationToken, ("owner", owner), ("lease", lease)).ConfigureAwait(false)).Task;

    /// <summary>
    /// Extends the owner's leases on several tasks in one statement; returns those still held.
    /// The rest were cancelled, or their lease lapsed and another agent took them: their owner
    /// stops working on them.
    /// </summary>
    public async Task<IReadOnlySet<Guid>> RenewLeasesAsync(IReadOnlyCollection<Guid> taskIds, string owner, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        if (taskIds.Count == 0) return new HashSet<Guid>();
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync<IReadOnlySet<Guid>>(async token =>
        {
            await using var command = dataSource.CreateCommand(
                "UPDATE job_tasks SET lease_expires = now() + @lease WHERE id = ANY(@ids) AND status = 'running' AND lease_owner = @owner RETURNING id");
            command.Parameters.AddWithValue("ids", taskIds.ToArray());
            command.Parameters.AddWithValue("owner", owner);
            command.Parameters.AddWithValue("lease", lease);
            var held = new HashSet<Guid>();
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false)) held.Add(reader.GetGuid(0));
            return held;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// An attempt failed with <paramref name="error"/>: the task waits until <paramref name="retryAt"/>
    /// for another attempt, or, with <paramref name="retryAt"/> null (attempts used up, or a fault
    /// no retry can mend), fails for good. The job ends failed once no task is left open. Only
    /// the lease's owner can record it; anyone else gets null.
    /// </summary>
    public Task<Job?> RecordFailureAsync(Guid taskId, string owner, string error, DateTimeOffset? retryAt, CancellationToken cancellationToken = default) =>
        ChangeOwnedTaskAsync(taskId, owner, retryAt is null
            ? "status = 'failed', error = @error, lease_owner = NULL, lease_expires = NULL, retry_at = NULL"
            : "status = 'pending', error = @error, lease_owner = NULL, lease_expires = NULL, retry_at = @retry_at, published_at = NULL",
            cancellationToken, ("error", error), ("retry_at", (object?)retryAt ?? DBNull.Value));

    /// <summary>
    /// Marks pending windows as unsent, so the sweeper sends them again: their messages were taken
    /// off the queue by an agent that paused or stopped before starting them. Running windows are
    /// left to their lease holder.
    /// </summary>
    public async Task MarkUnsentAsync(IReadOnlyCollection<Guid> taskIds, CancellationToken cancellationToken = default)
    {
        if (taskIds.Count == 0) return;
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        await retry.ExecuteAsync(async token =>
        {
            await using var command = dataSource.CreateCommand(
                "UPDATE job_tasks SET published_at = NULL, updated_at = now() WHERE id = ANY(@ids) AND status = 'pending'");
            command.Parameters.AddWithValue("ids", taskIds.ToArray());
            return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Gives a task back unfinished (the agent is stopping), without counting the attempt: it is
    /// sent again at once, to whichever agent is running.
    /// </summary>
    public Task<Job?> ReleaseAsync(Guid taskId, string owner, CancellationToken cancellationToken = default) =>
        ChangeOwnedTaskAsync(taskId, owner,
            "status = 'pending', attempts = greatest(attempts - 1, 0), lease_owner = NULL, lease_expires = NULL, retry_at = NULL, published_at = NULL",
            cancellationToken);

    private async Task<Job?> ChangeOwnedTaskAsync(Guid taskId, string owner, string assignments, CancellationToken cancellationToken, params (string Name, object Value)[] parameters) =>
        (await ChangeTaskAsync(taskId, $"""
            UPDATE job_tasks SET {assignments}, updated_at = now()
            WHERE id = @id AND status = 'running' AND lease_owner = @owner
            RETURNING {TaskColumns}
            """, cancellationToken, [("owner", owner), .. parameters]).ConfigureAwait(false)).Job;

    /// <summary>
    /// Runs one UPDATE of a task (parameter @id, returning its columns) under its job's lock, and
    /// recomputes the job when a row changed: the task and the job as they now are.
    /// </summary>
    private async Task<(JobTask? Task, Job? Job)> ChangeTaskAsync(Guid taskId, string update, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        var changed = await retry.ExecuteAsync<(JobTask? Task, Job? Job)>(async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
            await LockJobOfTaskAsync(connection, transaction, taskId, token).ConfigureAwait(false);
            var task = await QueryTaskAsync(connection, transaction, update, token, [("id", taskId), .. parameters]).ConfigureAwait(false);
            var job = task is null ? null : await RecomputeAsync(connection, transaction, task.JobId, token).ConfigureAwait(false);
            await transaction.CommitAsync(token).ConfigureAwait(false);
            return (task, job);
        }, cancellationToken).ConfigureAwait(false);
        // Every change here acts on a pending or running task, whose job is open: a finished job
        // has just reached its final state, in this transaction and no other.
        JobMetrics.RecordFinished(changed.Job);
        return changed;
    }

    /// <summary>
    /// Records a task's progress (sessions and bars so far); the job's totals follow. Only the
    /// lease's owner can: anyone else (the task was cancelled, failed, finished or taken over)
    /// gets null and stops working on it.
    /// </summary>
    public Task<Job?> UpdateTaskProgressAsync(Guid taskId, string owner, int sessionsTotal, int sessionsDone, long barsInserted, long barsCorrected, CancellationToken cancellationToken = default) =>
        ChangeOwnedTaskAsync(taskId, owner, "sessions_total = @total, sessions_done = @done, bars_inserted = @inserted, bars_corrected = @corrected",
            cancellationToken, ("total", sessionsTotal), ("done", sessionsDone), ("inserted", barsInserted), ("corrected", barsCorrected));

    /// <summary>Records a task's progress with the trades and quotes it stored so far (see the overload without them).</summary>
    public Task<Job?> UpdateTaskProgressAsync(Guid taskId, string owner, int sessionsTotal, int sessionsDone, long barsInserted, long barsCorrected, TickCounts ticks,
        CancellationToken cancellationToken = default) =>
        ChangeOwnedTaskAsync(taskId, owner,
            "sessions_total = @total, sessions_done = @done, bars_inserted = @inserted, bars_corrected = @corrected, trades_inserted = @trades, quotes_inserted = @quotes",
            cancellationToken, ("total", sessionsTotal), ("done", sessionsDone), ("inserted", barsInserted), ("corrected", barsCorrected),
            ("trades", ticks.Trades), ("quotes", ticks.Quotes));

    /// <summary>
    /// Marks the owner's task done with its final counts; the job succeeds when it was the last
    /// one. Null when the task is not the owner's (a redelivered completion changes nothing).
    /// </summary>
    public Task<Job?> CompleteTaskAsync(Guid taskId, string owner, int sessionsTotal, long barsInserted, long barsCorrected, CancellationToken cancellationToken = default) =>
        ChangeOwnedTaskAsync(taskId, owner,
            "status = 'done', sessions_total = @total, sessions_done = @total, bars_inserted = @inserted, bars_corrected = @corrected, lease_owner = NULL, lease_expires = NULL",
            cancellationToken, ("total", sessionsTotal), ("inserted", barsInserted), ("corrected", barsCorrected));

    /// <summary>Marks the owner's task done with its final counts, trades and quotes included (see the overload without them).</summary>
    public Task<Job?> CompleteTaskAsync(Guid taskId, string owner, int sessionsTotal, long barsInserted, long barsCorrected, TickCounts ticks,
        CancellationToken cancellationToken = default) =>
        ChangeOwnedTaskAsync(taskId, owner,
            "status = 'done', sessions_total = @total, sessions_done = @total, bars_inserted = @inserted, bars_corrected = @corrected, " +
            "trades_inserted = @trades, quotes_inserted = @quotes, lease_owner = NULL, lease_expires = NULL",
            cancellationToken, ("total", sessionsTotal), ("inserted", barsInserted), ("corrected", barsCorrected), ("trades", ticks.Trades), ("quotes", ticks.Quotes));

    /// <summary>
    /// Cancels an open job: its waiting tasks are cancelled at once, its running ones stop at their
    /// next page (their lease can no longer be renewed). What was stored stays. Returns the job as
    /// it now is (unchanged when it had already finished), or null when there is no such job.
    /// </summary>
    public async Task<Job?> CancelAsync(Guid jobId, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        var (job, cancelled) = await retry.ExecuteAsync<(Job?, bool)>(async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
            var locked = await QueryJobsAsync(connection, transaction, $"SELECT {JobColumns} FROM jobs WHERE id = @job FOR UPDATE", token, ("job", jobId)).ConfigureAwait(false);
            if (locked.Count == 0 || locked[0].IsFinished)
            {
                await transaction.RollbackAsync(token).ConfigureAwait(false);
                return (locked.Count == 0 ? null : locked[0], false);
            }
            await ExecuteAsync(connection, transaction,
                "UPDATE job_tasks SET status = 'cancelled', lease_owner = NULL, lease_expires = NULL, retry_at = NULL, updated_at = now() WHERE job_id = @job AND status IN ('pending', 'running')",
                token, ("job", jobId)).ConfigureAwait(false);
            await ExecuteAsync(connection, transaction, "UPDATE jobs SET status = 'cancelled', updated_at = now() WHERE id = @job", token, ("job", jobId)).ConfigureAwait(false);
            var job = await RecomputeAsync(connection, transaction, jobId, token).ConfigureAwait(false);
            await transaction.CommitAsync(token).ConfigureAwait(false);
            return (job, true);
        }, cancellationToken).ConfigureAwait(false);
        if (cancelled) JobMetrics.RecordFinished(job);
        return job;
    }

    /// <summary>
    /// Opens a failed or cancelled job again for the windows that did not finish (failed or
    /// cancelled ones, with fresh attempts); the windows done stay done. Returns the job and the
    /// tasks to send, null when there is no such job, and no tasks when the job cannot be retried
    /// (it is open, succeeded, or another open job covers the same request).
    /// </summary>
    public async Task<(Job Job, IReadOnlyList<JobTask> Reopened)?> RetryAsync(Guid jobId, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync<(Job, IReadOnlyList<JobTask>)?>(async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
            var locked = await QueryJobsAsync(connection, transaction, $"SELECT {JobColumns} FROM jobs WHERE id = @job FOR UPDATE", token, ("job", jobId)).ConfigureAwait(false);
            if (locked.Count == 0) return null;
            if (locked[0].Status is not (JobStatus.Failed or JobStatus.Cancelled)) return (locked[0], []);

            // The one-open-job-per-request index refuses the reopening when another job took over.
            await ExecuteAsync(connection, transaction, "SAVEPOINT reopen", token).ConfigureAwait(false);
            try
            {
                await ExecuteAsync(connection, transaction, "UPDATE jobs SET status = 'queued', error = NULL, updated_at = now() WHERE id = @job", token, ("job", jobId)).ConfigureAwait(false);
            }
            catch (PostgresException ex) when (ex.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                await ExecuteAsync(connection, transaction, "ROLLBACK TO SAVEPOINT reopen", token).ConfigureAwait(false);
                return (locked[0], []);
            }
            var reopened = await QueryTasksAsync(connection, transaction, $"""
                UPDATE job_tasks SET status = 'pending', attempts = 0, error = NULL, retry_at = NULL, published_at = NULL,
                    lease_owner = NULL, lease_expires = NULL, updated_at = now()
                WHERE job_id = @job AND status IN ('failed', 'cancelled')
                RETURNING {TaskColumns}
                """, token, ("job", jobId)).ConfigureAwait(false);
            var job = await RecomputeAsync(connection, transaction, jobId, token).ConfigureAwait(false);
            await transaction.CommitAsync(token).ConfigureAwait(false);
            return (job, reopened.OrderBy(t => t.Seq).ToList());
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records that the messages of these tasks went out.</summary>
    public async Task MarkPublishedAsync(IEnumerable<Guid> taskIds, CancellationToken cancellationToken = default)
    {
        var ids = taskIds.ToArray();
        if (ids.Length == 0) return;
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        await retry.ExecuteAsync(async token =>
        {
            await using var command = dataSource.CreateCommand("UPDATE job_tasks SET published_at = now() WHERE id = ANY(@ids) AND published_at IS NULL");
            command.Parameters.AddWithValue("ids", ids);
            return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The tasks whose message must go out now, marked as sent in the same transaction: never
    /// sent (older than <paramref name="unsentGrace"/>, so a gateway still publishing is not
    /// raced), due after a back-off, or running under a lease that expired (their agent died),
    /// which become pending again. One sweeper at a time across every agent: a concurrent caller
    /// gets nothing. Tasks waiting in the queue behind busy workers are never sent twice.
    /// </summary>
    public Task<IReadOnlyList<JobTask>> TakeDueTasksAsync(TimeSpan unsentGrace, string kind = JobKinds.Backfill, CancellationToken cancellationToken = default) =>
        TakeDueTasksAsync(unsentGrace, kind, (_, _) => Task.CompletedTask, cancellationToken);

    /// <summary>
    /// As <see cref="TakeDueTasksAsync(TimeSpan, string, CancellationToken)"/>, with <paramref name="send"/>
    /// publishing the tasks' messages before they are marked sent: the mark commits only once
    /// every message went out, so a sweeper that fails or dies while sending (the broker away, a
    /// kill) leaves the tasks due for the next sweep instead of marked sent and lost. Messages
    /// sent before a failure may go out again; a duplicate changes nothing.
    /// </summary>
    public async Task<IReadOnlyList<JobTask>> TakeDueTasksAsync(TimeSpan unsentGrace, string kind,
        Func<IReadOnlyList<JobTask>, CancellationToken, Task> send, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync<IReadOnlyList<JobTask>>(async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
            // One sweeper per kind of job: each kind has its own agent and its own messages.
            await using (var gate = new NpgsqlCommand("SELECT pg_try_advisory_xact_lock(@key, hashtext(@kind))", connection, transaction))
            {
                gate.Parameters.AddWithValue("key", SweeperLockKey);
                gate.Parameters.AddWithValue("kind", kind);
                if (!(bool)(await gate.ExecuteScalarAsync(token).ConfigureAwait(false))!) return [];
            }
            var due = await QueryTasksAsync(connection, transaction, $"""
                UPDATE job_tasks t SET status = 'pending', lease_owner = NULL, lease_expires = NULL, retry_at = NULL, published_at = now()
                FROM jobs j
                WHERE j.id = t.job_id AND j.kind = @kind AND j.status IN ('queued', 'running') AND (
                    (t.status = 'pending' AND t.published_at IS NULL AND t.retry_at IS NULL AND t.updated_at < now() - @grace)
                    OR (t.status = 'pending' AND t.retry_at <= now())
                    OR (t.status = 'running' AND t.lease_expires < now()))
                RETURNING {Prefixed(TaskColumns, "t.")}
                """, token, ("grace", unsentGrace), ("kind", kind)).ConfigureAwait(false);
            var ordered = due.OrderBy(t => t.JobId).ThenBy(t => t.Seq).ToList();
            if (ordered.Count > 0) await send(ordered, token).ConfigureAwait(false);
            await transaction.CommitAsync(token).ConfigureAwait(false);
            return ordered;
        }, cancellationToken).ConfigureAwait(false);
    }

    // Any constant will do, as long as nothing else in the database uses it.
    private const int SweeperLockKey = 0x5357_5050; // "SWPP"

    /// <summary>
    /// Serializes changes to one job's tasks. Without it, the last two tasks finishing at once
    /// would each recompute from a snapshot missing the other, and the job would never succeed.
    /// </summary>
    private static async Task LockJobOfTaskAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid taskId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT j.id FROM jobs j JOIN job_tasks t ON t.job_id = j.id WHERE t.id = @id FOR UPDATE OF j", connection, transaction);
        command.Parameters.AddWithValue("id", taskId);
        await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<Job> RecomputeAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid jobId, CancellationToken cancellationToken)
    {
        // Every caller already holds the job's row lock (LockJobOfTaskAsync), taken in a statement
        // before this one, so the sum below sees every concurrent task update of the job committed.
        return (await QueryJobsAsync(connection, transaction, Recompute, cancellationToken, ("job", jobId)).ConfigureAwait(false))[0];
    }

    private async Task<IReadOnlyList<Job>> QueryAsync(string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync<IReadOnlyList<Job>>(async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            return await QueryJobsAsync(connection, null, sql, token, parameters).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<Job>> QueryJobsAsync(NpgsqlConnection connection, NpgsqlTransaction? transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        var jobs = new List<Job>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            jobs.Add(new Job(
                reader.GetGuid(0), reader.GetString(1), reader.GetString(2),
                reader.GetFieldValue<DateOnly>(3), reader.GetFieldValue<DateOnly>(4), reader.GetString(5),
                ParseStatus(reader.GetString(6)), reader.GetInt32(7), reader.GetInt32(8), reader.GetInt64(9), reader.GetInt64(10),
                reader.IsDBNull(11) ? null : reader.GetString(11),
                reader.GetFieldValue<DateTimeOffset>(12), reader.GetFieldValue<DateTimeOffset>(13), reader.GetInt32(14))
            {
                Datasets = reader.GetFieldValue<string[]>(15),
                TradesInserted = reader.GetInt64(16),
                QuotesInserted = reader.GetInt64(17),
            });
        }
        return jobs;
    }

    private static async Task<JobTask?> QueryTaskAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters) =>
        (await QueryTasksAsync(connection, transaction, sql, cancellationToken, parameters).ConfigureAwait(false)).FirstOrDefault();

    private static async Task<List<JobTask>> QueryTasksAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        var tasks = new List<JobTask>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) tasks.Add(ReadTask(reader));
        return tasks;
    }

    private static async Task ExecuteAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, CancellationToken cancellationToken, params (string Name, object Value)[] parameters)
    {
        await using var command = new NpgsqlCommand(sql, connection, transaction);
        foreach (var (name, value) in parameters) command.Parameters.AddWithValue(name, value);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    // The task columns qualified by a table alias, for an UPDATE ... FROM whose RETURNING would be ambiguous.
    private static string Prefixed(string columns, string prefix) =>
        string.Join(", ", columns.Split(", ").Select(column => prefix + column));

    private static async Task<IReadOnlyList<JobTask>> GetTasksAsync(NpgsqlConnection connection, Guid jobId, CancellationToken cancellationToken, NpgsqlTransaction? transaction = null)
    {
        await using var command = new NpgsqlCommand($"SELECT {TaskColumns} FROM job_tasks WHERE job_id = @job ORDER BY seq", connection, transaction);
        command.Parameters.AddWithValue("job", jobId);
        var tasks = new List<JobTask>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) tasks.Add(ReadTask(reader));
        return tasks;
    }

    private static JobTask ReadTask(DbDataReader reader) => new(
        reader.GetGuid(0), reader.GetGuid(1), reader.GetInt32(2), reader.GetString(3),
        reader.GetFieldValue<DateOnly>(4), reader.GetFieldValue<DateOnly>(5), reader.GetString(6), reader.GetString(7), reader.GetInt32(8),
        reader.GetInt32(9), reader.GetInt64(10), reader.GetInt64(11), reader.GetFieldValue<DateTimeOffset>(12),
        reader.IsDBNull(13) ? null : reader.GetString(13),
        reader.IsDBNull(14) ? null : reader.GetFieldValue<DateTimeOffset>(14),
        reader.IsDBNull(15) ? null : reader.GetFieldValue<DateTimeOffset>(15),
        reader.IsDBNull(16) ? null : reader.GetString(16))
    {
        Datasets = reader.GetFieldValue<string[]>(17),
        TradesInserted = reader.GetInt64(18),
        QuotesInserted = reader.GetInt64(19),
    };

    /// <summary>The stored (and served) spelling of a status.</summary>
    public static string ToText(JobStatus status) => status.ToString().ToLowerInvariant();

    private static JobStatus ParseStatus(string text) => Enum.Parse<JobStatus>(text, ignoreCase: true);
}
