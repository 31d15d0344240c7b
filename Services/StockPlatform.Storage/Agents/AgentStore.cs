using System.Text.Json;
using Npgsql;
using NpgsqlTypes;
using StockPlatform.ServiceDefaults.Agents;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Storage.Agents;

/// <summary>
/// The operations tables: each instance's latest heartbeat (<c>agent_heartbeats</c>), the pause
/// asked for each agent (<c>agent_controls</c>), and alerts (<c>agent_alerts</c>).
/// </summary>
public sealed class AgentStore(NpgsqlDataSource dataSource, StorageSchema schema, DbRetry retry) : IAgentControlStore
{
    private const string AlertColumns = "id, kind, agent, instance, job_id, message, raised_at, cleared_at";

    /// <summary>Stores a heartbeat; an older one arriving late (redelivered) changes nothing.</summary>
    public async Task RecordAsync(AgentBeat beat, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        await retry.ExecuteAsync<int>(async token =>
        {
            await using var command = dataSource.CreateCommand("""
                INSERT INTO agent_heartbeats (agent, instance, version, state, task, progress, counters, paused, started_at, seen_at, beat_interval)
                VALUES (@agent, @instance, @version, @state, @task, @progress, @counters, @paused, @started_at, @seen_at, @beat_interval)
                ON CONFLICT (agent, instance) DO UPDATE SET
                    version = excluded.version, state = excluded.state, task = excluded.task, progress = excluded.progress,
                    counters = excluded.counters, paused = excluded.paused, started_at = excluded.started_at,
                    seen_at = excluded.seen_at, beat_interval = excluded.beat_interval, received_at = now()
                WHERE agent_heartbeats.seen_at <= excluded.seen_at
                """);
            command.Parameters.AddWithValue("agent", beat.Agent);
            command.Parameters.AddWithValue("instance", beat.Instance);
            command.Parameters.AddWithValue("version", beat.Version);
            command.Parameters.AddWithValue("state", beat.State);
            command.Parameters.AddWithValue("task", (object?)beat.Task ?? DBNull.Value);
            command.Parameters.AddWithValue("progress", (object?)beat.Progress ?? DBNull.Value);
            command.Parameters.AddWithValue("counters", NpgsqlDbType.Jsonb, JsonSerializer.Serialize(beat.Counters));
            command.Parameters.AddWithValue("paused", beat.Paused);
            command.Parameters.AddWithValue("started_at", beat.StartedAt);
            command.Parameters.AddWithValue("seen_at", beat.SeenAt);
            command.Parameters.AddWithValue("beat_interval", beat.Interval);
            return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every instance's latest heartbeat, by agent and then newest first.</summary>
    public async Task<IReadOnlyList<AgentBeat>> ListBeatsAsync(CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync<IReadOnlyList<AgentBeat>>(async token =>
        {
            await using var command = dataSource.CreateCommand("""
                SELECT agent, instance, version, state, task, progress, counters::text, paused, started_at, seen_at, beat_interval
                FROM agent_heartbeats ORDER BY agent, started_at DESC, instance
                """);
            var beats = new List<AgentBeat>();
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                beats.Add(new AgentBeat(reader.GetString(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                    reader.IsDBNull(4) ? null : reader.GetString(4), reader.IsDBNull(5) ? null : reader.GetDouble(5),
                    JsonSerializer.Deserialize<Dictionary<string, long>>(reader.GetString(6)) ?? [],
                    reader.GetBoolean(7), reader.GetFieldValue<DateTimeOffset>(8), reader.GetFieldValue<DateTimeOffset>(9), reader.GetTimeSpan(10)));
            }
            return beats;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Forgets an instance (long gone, or replaced); false when it was not there.</summary>
    public async Task<bool> ForgetAsync(string agent, string instance, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync(async token =>
        {
            await using var command = dataSource.CreateCommand("DELETE FROM agent_heartbeats WHERE agent = @agent AND instance = @instance");
            command.Parameters.AddWithValue("agent", agent);
            command.Parameters.AddWithValue("instance", instance);
            return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false) > 0;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task<bool> IsPausedAsync(string agent, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync(async token =>
        {
            await using var command = dataSource.CreateCommand("SELECT paused FROM agent_controls WHERE agent = @agent");
            command.Parameters.AddWithValue("agent", agent);
            return await command.ExecuteScalarAsync(token).ConfigureAwait(false) is true;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Records the pause (or resume) asked for an agent.</summary>
    public async Task<AgentControlState> SetPausedAsync(string agent, bool paused, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync(async token =>
        {
            await using var command = dataSource.CreateCommand("""
                INSERT INTO agent_controls (agent, paused) VALUES (@agent, @paused)
                ON CONFLICT (agent) DO UPDATE SET paused = excluded.paused, changed_at = now()
                RETURNING agent, paused, changed_at
                """);
            command.Parameters.AddWithValue("agent", agent);
            command.Parameters.AddWithValue("paused", paused);
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            await reader.ReadAsync(token).ConfigureAwait(false);
            return new AgentControlState(reader.GetString(0), reader.GetBoolean(1), reader.GetFieldValue<DateTimeOffset>(2));
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The pause state of every agent ever paused or resumed.</summary>
    public async Task<IReadOnlyList<AgentControlState>> ListControlsAsync(CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync<IReadOnlyList<AgentControlState>>(async token =>
        {
            await using var command = dataSource.CreateCommand("SELECT agent, paused, changed_at FROM agent_controls ORDER BY agent");
            var controls = new List<AgentControlState>();
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false))
                controls.Add(new AgentControlState(reader.GetString(0), reader.GetBoolean(1), reader.GetFieldValue<DateTimeOffset>(2)));
            return controls;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Raises an alert unless the same one (kind, agent, instance, job) is already active: the new
    /// alert, or null when it was already raised (by this gateway or another).
    /// </summary>
    public async Task<AgentAlert?> RaiseAsync(string kind, string agent, string? instance, Guid? jobId, string message, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync(async token =>
        {
            await using var command = dataSource.CreateCommand($"""
                INSERT INTO agent_alerts (kind, agent, instance, job_id, message) VALUES (@kind, @agent, @instance, @job_id, @message)
                ON CONFLICT (kind, agent, coalesce(instance, ''), coalesce(job_id, '00000000-0000-0000-0000-000000000000')) WHERE cleared_at IS NULL
                DO NOTHING
                RETURNING {AlertColumns}
                """);
            command.Parameters.AddWithValue("kind", kind);
            command.Parameters.AddWithValue("agent", agent);
            command.Parameters.AddWithValue("instance", (object?)instance ?? DBNull.Value);
            command.Parameters.AddWithValue("job_id", NpgsqlDbType.Uuid, (object?)jobId ?? DBNull.Value);
            command.Parameters.AddWithValue("message", message);
            var raised = await ReadAlertsAsync(command, token).ConfigureAwait(false);
            return raised.Count == 0 ? null : raised[0];
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Clears the given alerts (those still active); returns those it cleared.</summary>
    public async Task<IReadOnlyList<AgentAlert>> ClearAsync(IReadOnlyCollection<long> ids, CancellationToken cancellationToken = default)
    {
        if (ids.Count == 0) return [];
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync(async token =>
        {
            await using var command = dataSource.CreateCommand($"""
                UPDATE agent_alerts SET cleared_at = now() WHERE id = ANY(@ids) AND cleared_at IS NULL RETURNING {AlertColumns}
                """);
            command.Parameters.AddWithValue("ids", ids.ToArray());
            return await ReadAlertsAsync(command, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Deletes alerts cleared before <paramref name="before"/>; returns how many.</summary>
    public async Task<int> DeleteClearedAlertsAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync(async token =>
        {
            await using var command = dataSource.CreateCommand("DELETE FROM agent_alerts WHERE cleared_at < @before");
            command.Parameters.AddWithValue("before", before);
            return await command.ExecuteNonQueryAsync(token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Alerts, newest first: only the active ones, or the recent ones of every state.</summary>
    public async Task<IReadOnlyList<AgentAlert>> ListAlertsAsync(bool activeOnly, int limit, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync(async token =>
        {
            await using var command = dataSource.CreateCommand($"""
                SELECT {AlertColumns} FROM agent_alerts
                WHERE cleared_at IS NULL OR NOT @active_only
                ORDER BY (cleared_at IS NULL) DESC, raised_at DESC, id DESC
                LIMIT @limit
                """);
            command.Parameters.AddWithValue("active_only", activeOnly);
            command.Parameters.AddWithValue("limit", limit);
            return await ReadAlertsAsync(command, token).ConfigureAwait(false);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Running jobs whose progress last changed before <paramref name="before"/>.</summary>
    public async Task<IReadOnlyList<QuietJob>> ListQuietJobsAsync(DateTimeOffset before, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync<IReadOnlyList<QuietJob>>(async token =>
        {
            await using var command = dataSource.CreateCommand("""
                SELECT j.id, j.kind, array_to_string(j.symbols, ','), j.updated_at,
                       array(SELECT DISTINCT t.lease_owner FROM job_tasks t WHERE t.job_id = j.id AND t.status = 'running' AND t.lease_owner IS NOT NULL)
                FROM jobs j
                WHERE j.status = 'running' AND j.updated_at < @before ORDER BY j.updated_at
                """);
            command.Parameters.AddWithValue("before", before);
            var jobs = new List<QuietJob>();
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false))
                jobs.Add(new QuietJob(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<DateTimeOffset>(3), reader.GetFieldValue<string[]>(4)));
            return jobs;
        }, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<List<AgentAlert>> ReadAlertsAsync(NpgsqlCommand command, CancellationToken token)
    {
        var alerts = new List<AgentAlert>();
        await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
        while (await reader.ReadAsync(token).ConfigureAwait(false))
        {
            alerts.Add(new AgentAlert(reader.GetInt64(0), reader.GetString(1), reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetGuid(4),
                reader.GetString(5), reader.GetFieldValue<DateTimeOffset>(6), reader.IsDBNull(7) ? null : reader.GetFieldValue<DateTimeOffset>(7)));
        }
        return alerts;
    }
}
