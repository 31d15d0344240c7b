using System.Data.Common;
using Npgsql;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Storage.Jobs;

/// <summary>
/// Jobs and their tasks: the queue's durable state. A job's progress is always recomputed from
/// its tasks in the same transaction that changes one, so redelivered or concurrent task updates
/// can never double-count.
/// </summary>
public sealed class JobStore(NpgsqlDataSource dataSource, StorageSchema schema, DbRetry retry)
{
    private const string JobColumns =
        "id, kind, symbol, start_date, end_date, feed, status, sessions_done, sessions_total, bars_inserted, bars_corrected, error, created_at, updated_at";

    private const string TaskColumns = "id, job_id, seq, symbol, start_date, end_date, feed, status, attempts, sessions_done, bars_inserted, bars_corrected, updated_at";

    // Progress and status follow from the tasks: succeeded when none is left open.
    private const string Recompute = $"""
        UPDATE jobs j SET
            sessions_total = t.total, sessions_done = t.done, bars_inserted = t.inserted, bars_corrected = t.corrected,
            status = CASE WHEN j.status IN ('queued', 'running') AND t.open = 0 AND t.count > 0 THEN 'succeeded'
                          WHEN j.status = 'queued' AND t.started > 0 THEN 'running'
                          ELSE j.status END,
            updated_at = now()
        FROM (SELECT coalesce(sum(sessions_total), 0)::int AS total, coalesce(sum(sessions_done), 0)::int AS done,
                     coalesce(sum(bars_inserted), 0)::bigint AS inserted, coalesce(sum(bars_corrected), 0)::bigint AS corrected,
                     count(*) FILTER (WHERE status <> 'done') AS open, count(*) AS count,
                     count(*) FILTER (WHERE status <> 'pending') AS started
              FROM job_tasks WHERE job_id = @job) t
        WHERE j.id = @job
        RETURNING {JobColumns}
        """;

    /// <summary>
    /// Creates a job with one task per window, or returns the queued or running job with the same
    /// kind, symbol, range and feed (<c>Created</c> false), so asking twice starts nothing twice.
    /// </summary>
    public async Task<(Job Job, IReadOnlyList<JobTask> Tasks, bool Created)> CreateOrGetActiveAsync(
        string kind, string symbol, DateOnly start, DateOnly end, string feed, IReadOnlyList<JobWindow> windows, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        var key = $"{kind}:{symbol}:{start:yyyy-MM-dd}:{end:yyyy-MM-dd}:{feed}";
        return await retry.ExecuteAsync(async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
            var id = Guid.CreateVersion7();
            await using (var insert = new NpgsqlCommand("""
                INSERT INTO jobs (id, kind, symbol, start_date, end_date, feed, status, idempotency_key, sessions_total)
                VALUES (@id, @kind, @symbol, @start, @end, @feed, 'queued', @key, @total)
                ON CONFLICT (idempotency_key) WHERE status IN ('queued', 'running') DO NOTHING
                """, connection, transaction))
            {
                insert.Parameters.AddWithValue("id", id);
                insert.Parameters.AddWithValue("kind", kind);
                insert.Parameters.AddWithValue("symbol", symbol);
                insert.Parameters.AddWithValue("start", start);
                insert.Parameters.AddWithValue("end", end);
                insert.Parameters.AddWithValue("feed", feed);
                insert.Parameters.AddWithValue("key", key);
                insert.Parameters.AddWithValue("total", windows.Sum(w => w.SessionsTotal));
                if (await insert.ExecuteNonQueryAsync(token).ConfigureAwait(false) == 0)
                {
                    await transaction.RollbackAsync(token).ConfigureAwait(false);
                    var active = await QueryJobsAsync(connection, null, $"SELECT {JobColumns} FROM jobs WHERE idempotency_key = @key AND status IN ('queued', 'running')", token, ("key", key)).ConfigureAwait(false);
                    if (active.Count == 0) throw new InvalidOperationException("the active job for this key finished while it was being looked up; ask again");
                    return (active[0], await GetTasksAsync(connection, active[0].Id, token).ConfigureAwait(false), false);
                }
            }

            var seq = 0;
            foreach (var window in windows)
            {
                await using var task = new NpgsqlCommand("""
                    INSERT INTO job_tasks (id, job_id, seq, symbol, start_date, end_date, feed, status, sessions_total)
                    VALUES (@id, @job, @seq, @symbol, @start, @end, @feed, 'pending', @total)
                    """, connection, transaction);
                task.Parameters.AddWithValue("id", Guid.CreateVersion7());
                task.Parameters.AddWithValue("job", id);
                task.Parameters.AddWithValue("seq", seq++);
                task.Parameters.AddWithValue("symbol", symbol);
                task.Parameters.AddWithValue("start", window.Start);
                task.Parameters.AddWithValue("end", window.End);
                task.Parameters.AddWithValue("feed", feed);
                task.Parameters.AddWithValue("total", window.SessionsTotal);
                await task.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }
            var job = (await QueryJobsAsync(connection, transaction, $"SELECT {JobColumns} FROM jobs WHERE id = @id", token, ("id", id)).ConfigureAwait(false))[0];
            var tasks = await GetTasksAsync(connection, id, token, transaction).ConfigureAwait(false);
            await transaction.CommitAsync(token).ConfigureAwait(false);
            return (job, tasks, true);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>A job by id, or null.</summary>
    public async Task<Job?> GetAsync(Guid id, CancellationToken cancellationToken = default)
    {
        var jobs = await QueryAsync($"SELECT {JobColumns} FROM jobs WHERE id = @id", cancellationToken, ("id", id)).ConfigureAwait(false);
        return jobs.Count == 0 ? null : jobs[0];
    }

    /// <summary>Jobs, newest first, optionally by status and symbol.</summary>
    public Task<IReadOnlyList<Job>> ListAsync(JobStatus? status = null, string? symbol = null, int limit = 100, CancellationToken cancellationToken = default) =>
        QueryAsync($"""
            SELECT {JobColumns} FROM jobs
            WHERE (@status::text IS NULL OR status = @status) AND (@symbol::text IS NULL OR symbol = @symbol)
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
    /// Marks a task as started (one more attempt) and its job as running. Returns null when the
    /// task is already done or its job finished: a redelivered message then does nothing.
    /// </summary>
    public async Task<JobTask?> StartTaskAsync(Guid taskId, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync(async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
            await LockJobOfTaskAsync(connection, transaction, taskId, token).ConfigureAwait(false);
            await using var command = new NpgsqlCommand($"""
                UPDATE job_tasks t SET status = 'running', attempts = t.attempts + 1, updated_at = now()
                FROM jobs j
                WHERE t.id = @id AND j.id = t.job_id AND t.status IN ('pending', 'running') AND j.status IN ('queued', 'running')
                RETURNING t.id, t.job_id, t.seq, t.symbol, t.start_date, t.end_date, t.feed, t.status, t.attempts,
                          t.sessions_done, t.bars_inserted, t.bars_corrected, t.updated_at
                """, connection, transaction);
            command.Parameters.AddWithValue("id", taskId);
            JobTask? task;
            await using (var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false))
            {
                task = await reader.ReadAsync(token).ConfigureAwait(false) ? ReadTask(reader) : null;
            }
            if (task is not null) await RecomputeAsync(connection, transaction, task.JobId, token).ConfigureAwait(false);
            await transaction.CommitAsync(token).ConfigureAwait(false);
            return task;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records a task's progress (sessions and bars so far); the job's totals follow.</summary>
    public Task<Job> UpdateTaskProgressAsync(Guid taskId, int sessionsTotal, int sessionsDone, long barsInserted, long barsCorrected, CancellationToken cancellationToken = default) =>
        UpdateTaskAsync(taskId, "running", sessionsTotal, sessionsDone, barsInserted, barsCorrected, cancellationToken);

    /// <summary>Marks a task done with its final counts; the job succeeds when it was the last one.</summary>
    public Task<Job> CompleteTaskAsync(Guid taskId, int sessionsTotal, long barsInserted, long barsCorrected, CancellationToken cancellationToken = default) =>
        UpdateTaskAsync(taskId, "done", sessionsTotal, sessionsTotal, barsInserted, barsCorrected, cancellationToken);

    /// <summary>Fails a job for good with a reason a person can read; its open tasks fail with it.</summary>
    public async Task<Job> FailAsync(Guid jobId, string error, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync(async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
            // Same lock order as task updates (job row, then tasks), so the two never deadlock.
            await using (var lockJob = new NpgsqlCommand("SELECT 1 FROM jobs WHERE id = @job FOR UPDATE", connection, transaction))
            {
                lockJob.Parameters.AddWithValue("job", jobId);
                await lockJob.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }
            await using (var tasks = new NpgsqlCommand(
                "UPDATE job_tasks SET status = 'failed', error = @error, updated_at = now() WHERE job_id = @job AND status IN ('pending', 'running')", connection, transaction))
            {
                tasks.Parameters.AddWithValue("job", jobId);
                tasks.Parameters.AddWithValue("error", error);
                await tasks.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }
            var jobs = await QueryJobsAsync(connection, transaction, $"""
                UPDATE jobs SET status = CASE WHEN status IN ('queued', 'running') THEN 'failed' ELSE status END,
                    error = CASE WHEN status IN ('queued', 'running') THEN @error ELSE error END, updated_at = now()
                WHERE id = @job RETURNING {JobColumns}
                """, token, ("job", jobId), ("error", error)).ConfigureAwait(false);
            await transaction.CommitAsync(token).ConfigureAwait(false);
            return jobs.Count > 0 ? jobs[0] : throw new InvalidOperationException($"job {jobId} does not exist");
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Tasks not done whose job is still open: the work to resume after a restart.</summary>
    public async Task<IReadOnlyList<JobTask>> GetUnfinishedTasksAsync(CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync<IReadOnlyList<JobTask>>(async token =>
        {
            await using var command = dataSource.CreateCommand($"""
                SELECT t.id, t.job_id, t.seq, t.symbol, t.start_date, t.end_date, t.feed, t.status, t.attempts,
                       t.sessions_done, t.bars_inserted, t.bars_corrected, t.updated_at
                FROM job_tasks t JOIN jobs j ON j.id = t.job_id
                WHERE t.status IN ('pending', 'running') AND j.status IN ('queued', 'running')
                ORDER BY j.created_at, t.seq
                """);
            var tasks = new List<JobTask>();
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false)) tasks.Add(ReadTask(reader));
            return tasks;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<Job> UpdateTaskAsync(Guid taskId, string status, int sessionsTotal, int sessionsDone, long inserted, long corrected, CancellationToken cancellationToken)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync(async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
            await LockJobOfTaskAsync(connection, transaction, taskId, token).ConfigureAwait(false);
            Guid jobId;
            // Done and failed are final: a progress message overtaken by the completion, or a
            // redelivered completion, must not rewrite a finished task's counts.
            await using (var command = new NpgsqlCommand("""
                UPDATE job_tasks SET
                    status = @status,
                    sessions_total = @total, sessions_done = @done, bars_inserted = @inserted, bars_corrected = @corrected, updated_at = now()
                WHERE id = @id AND status IN ('pending', 'running')
                RETURNING job_id
                """, connection, transaction))
            {
                command.Parameters.AddWithValue("id", taskId);
                command.Parameters.AddWithValue("status", status);
                command.Parameters.AddWithValue("total", sessionsTotal);
                command.Parameters.AddWithValue("done", sessionsDone);
                command.Parameters.AddWithValue("inserted", inserted);
                command.Parameters.AddWithValue("corrected", corrected);
                var result = await command.ExecuteScalarAsync(token).ConfigureAwait(false);
                if (result is not Guid id)
                {
                    await transaction.RollbackAsync(token).ConfigureAwait(false);
                    var owner = await QueryJobsAsync(connection, null, $"SELECT {JobColumns} FROM jobs j WHERE j.id = (SELECT job_id FROM job_tasks WHERE id = @id)", token, ("id", taskId)).ConfigureAwait(false);
                    return owner.Count > 0 ? owner[0] : throw new InvalidOperationException($"task {taskId} does not exist");
                }
                jobId = id;
            }
            var job = await RecomputeAsync(connection, transaction, jobId, token).ConfigureAwait(false);
            await transaction.CommitAsync(token).ConfigureAwait(false);
            return job;
        }, cancellationToken).ConfigureAwait(false);
    }

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
                reader.GetFieldValue<DateTimeOffset>(12), reader.GetFieldValue<DateTimeOffset>(13)));
        }
        return jobs;
    }

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
        reader.GetInt32(9), reader.GetInt64(10), reader.GetInt64(11), reader.GetFieldValue<DateTimeOffset>(12));

    /// <summary>The stored (and served) spelling of a status.</summary>
    public static string ToText(JobStatus status) => status.ToString().ToLowerInvariant();

    private static JobStatus ParseStatus(string text) => Enum.Parse<JobStatus>(text, ignoreCase: true);
}
