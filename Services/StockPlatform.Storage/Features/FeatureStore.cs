using Npgsql;
using NpgsqlTypes;
using StockPlatform.Storage.Infrastructure;
using StockPlatform.Storage.Schema;

namespace StockPlatform.Storage.Features;

/// <summary>A feature set's version as <c>feature_metadata</c> records it, for one build of the code.</summary>
public sealed record FeatureMetadata(int Id, string FeatureSet, int Version, IReadOnlyList<string> Columns, string Parameters, string ParametersHash, string CodeRef, DateTimeOffset CreatedAt);

/// <summary>One stored row of features: the bar's start and the values in the metadata's column order.</summary>
public sealed record FeatureRow(DateTimeOffset Timestamp, double[] Values);

/// <summary>Which features of which symbol: the key every read and write names.</summary>
public sealed record FeatureSeriesKey(string Symbol, string FeatureSet, int Version, string Interval);

/// <summary>Refused: a feature set's version was registered before with other parameters.</summary>
public sealed class FeatureVersionConflictException(string message) : Exception(message);

/// <summary>
/// Features in PostgreSQL: <c>feature_metadata</c> (what each version computes, with which
/// parameters and code) and <c>features</c> (one row of values per symbol, version, interval and
/// bar). A recomputation replaces the rows from its first bar on in one transaction, so readers
/// see the old tail or the new one and a repeated build changes nothing.
/// </summary>
public sealed class FeatureStore(NpgsqlDataSource dataSource, StorageSchema schema, DbRetry retry)
{
    /// <summary>
    /// Records that this build of the code computes <paramref name="featureSet"/> v<paramref name="version"/>
    /// and returns the row's id. A version's parameters never change: other parameters under a
    /// registered version are refused (give them a new version).
    /// </summary>
    public async Task<int> RegisterAsync(string featureSet, int version, IReadOnlyList<string> columns, string parametersJson, string parametersHash, string codeRef, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync(async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
            // Serialises registrations of one version across agents, so two builds cannot both see "new".
            await using (var lockVersion = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('feature_metadata:' || @name), @version)", connection, transaction))
            {
                lockVersion.Parameters.AddWithValue("name", featureSet);
                lockVersion.Parameters.AddWithValue("version", version);
                await lockVersion.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }
            await using (var existing = new NpgsqlCommand("SELECT params_hash FROM feature_metadata WHERE feature_name = @name AND version = @version AND params_hash <> @hash LIMIT 1", connection, transaction))
            {
                existing.Parameters.AddWithValue("name", featureSet);
                existing.Parameters.AddWithValue("version", version);
                existing.Parameters.AddWithValue("hash", parametersHash);
                if (await existing.ExecuteScalarAsync(token).ConfigureAwait(false) is string other)
                {
                    throw new FeatureVersionConflictException(
                        $"feature set {featureSet} v{version} was registered with parameters {other[..12]}…, this code has {parametersHash[..12]}…: a changed parameter set is a new version, never an overwrite");
                }
            }
            await using var insert = new NpgsqlCommand("""
                INSERT INTO feature_metadata (feature_name, version, columns, params, params_hash, code_ref)
                VALUES (@name, @version, @columns, @params::json, @hash, @code)
                ON CONFLICT (feature_name, version, code_ref) DO UPDATE SET columns = excluded.columns
                RETURNING id
                """, connection, transaction);
            insert.Parameters.AddWithValue("name", featureSet);
            insert.Parameters.AddWithValue("version", version);
            insert.Parameters.AddWithValue("columns", columns.ToArray());
            insert.Parameters.AddWithValue("params", parametersJson);
            insert.Parameters.AddWithValue("hash", parametersHash);
            insert.Parameters.AddWithValue("code", codeRef);
            var id = (int)(await insert.ExecuteScalarAsync(token).ConfigureAwait(false))!;
            await transaction.CommitAsync(token).ConfigureAwait(false);
            return id;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Every registered feature set version and build, newest first.</summary>
    public async Task<IReadOnlyList<FeatureMetadata>> ListMetadataAsync(CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync<IReadOnlyList<FeatureMetadata>>(async token =>
        {
            await using var command = dataSource.CreateCommand(
                "SELECT id, feature_name, version, columns, params::text, params_hash, code_ref, created_at FROM feature_metadata ORDER BY feature_name, version DESC, created_at DESC");
            var list = new List<FeatureMetadata>();
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false))
            {
                list.Add(new FeatureMetadata(reader.GetInt32(0), reader.GetString(1), reader.GetInt32(2), reader.GetFieldValue<string[]>(3),
                    reader.GetString(4), reader.GetString(5), reader.GetString(6), reader.GetFieldValue<DateTimeOffset>(7)));
            }
            return list;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// Replaces the series' rows from <paramref name="from"/> on with <paramref name="rows"/>
    /// (binary COPY), in one transaction: what was stored from there is deleted first, so bars
    /// that disappeared lose their features too.
    /// </summary>
    public async Task<int> ReplaceFromAsync(FeatureSeriesKey key, int metadataId, DateTimeOffset from, IReadOnlyList<FeatureRow> rows, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync(async token =>
        {
            await using var connection = await dataSource.OpenConnectionAsync(token).ConfigureAwait(false);
            await using var transaction = await connection.BeginTransactionAsync(token).ConfigureAwait(false);
            await using (var delete = new NpgsqlCommand(
                "DELETE FROM features WHERE symbol = @symbol AND feature_set = @set AND version = @version AND interval = @interval AND ts >= @from", connection, transaction))
            {
                AddKey(delete, key);
                delete.Parameters.AddWithValue("from", from);
                await delete.ExecuteNonQueryAsync(token).ConfigureAwait(false);
            }
            await using (var copy = await connection.BeginBinaryImportAsync(
                "COPY features (symbol, feature_set, version, interval, ts, metadata_id, vals) FROM STDIN (FORMAT BINARY)", token).ConfigureAwait(false))
            {
                foreach (var row in rows)
                {
                    await copy.StartRowAsync(token).ConfigureAwait(false);
                    await copy.WriteAsync(key.Symbol, NpgsqlDbType.Text, token).ConfigureAwait(false);
                    await copy.WriteAsync(key.FeatureSet, NpgsqlDbType.Text, token).ConfigureAwait(false);
                    await copy.WriteAsync(key.Version, NpgsqlDbType.Integer, token).ConfigureAwait(false);
                    await copy.WriteAsync(key.Interval, NpgsqlDbType.Text, token).ConfigureAwait(false);
                    await copy.WriteAsync(row.Timestamp, NpgsqlDbType.TimestampTz, token).ConfigureAwait(false);
                    await copy.WriteAsync(metadataId, NpgsqlDbType.Integer, token).ConfigureAwait(false);
                    await copy.WriteAsync(row.Values, NpgsqlDbType.Array | NpgsqlDbType.Double, token).ConfigureAwait(false);
                }
                await copy.CompleteAsync(token).ConfigureAwait(false);
            }
            await transaction.CommitAsync(token).ConfigureAwait(false);
            return rows.Count;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// The series' rows with <paramref name="start"/> &lt;= ts &lt; <paramref name="end"/> in time
    /// order, at most <paramref name="limit"/> (the last ones when <paramref name="latest"/>).
    /// </summary>
    public async Task<IReadOnlyList<FeatureRow>> ReadAsync(FeatureSeriesKey key, DateTimeOffset? start, DateTimeOffset? end, int limit, bool latest = false, CancellationToken cancellationToken = default)
    {
        await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        return await retry.ExecuteAsync<IReadOnlyList<FeatureRow>>(async token =>
        {
            var order = latest ? "DESC" : "ASC";
            await using var command = dataSource.CreateCommand($"""
                SELECT ts, vals FROM features
                WHERE symbol = @symbol AND feature_set = @set AND version = @version AND interval = @interval
                  AND (@start::timestamptz IS NULL OR ts >= @start) AND (@end::timestamptz IS NULL OR ts < @end)
                ORDER BY ts {order} LIMIT @limit
                """);
            AddKey(command, key);
            command.Parameters.AddWithValue("start", NpgsqlDbType.TimestampTz, (object?)start ?? DBNull.Value);
            command.Parameters.AddWithValue("end", NpgsqlDbType.TimestampTz, (object?)end ?? DBNull.Value);
            command.Parameters.AddWithValue("limit", limit);
            var rows = new List<FeatureRow>();
            await using var reader = await command.ExecuteReaderAsync(token).ConfigureAwait(false);
            while (await reader.ReadAsync(token).ConfigureAwait(false))
                rows.Add(new FeatureRow(reader.GetFieldValue<DateTimeOffset>(0), reader.GetFieldValue<double[]>(1)));
            if (latest) rows.Reverse();
            return rows;
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The stored row of the last bar before <paramref name="before"/>, or null: the state a resumed computation continues from.</summary>
    public async Task<FeatureRow?> GetRowBeforeAsync(FeatureSeriesKey key, DateTimeOffset before, CancellationToken cancellationToken = default) =>
        (await ReadAsync(key, null, before, 1, latest: true, cancellationToken).ConfigureAwait(false)) is [var row] ? row : null;

    private static void AddKey(NpgsqlCommand command, FeatureSeriesKey key)
    {
        command.Parameters.AddWithValue("symbol", key.Symbol);
        command.Parameters.AddWithValue("set", key.FeatureSet);
        command.Parameters.AddWithValue("version", key.Version);
        command.Parameters.AddWithValue("interval", key.Interval);
    }
}
