using System.Security.Cryptography;
using Npgsql;

namespace StockPlatform.IntegrationTests.Gateway.BadInput;

/// <summary>
/// Everything bad requests must leave alone: each table's row count and a checksum of its rows
/// (every table of the database, found in the catalog, so a new table is covered without a
/// change here), and each file of the archive folder with its size and SHA-256. The <c>logs</c>
/// table is left out: the gateway ships its own log records there (it is checked for leaks
/// instead, <see cref="LoggedSecretsAsync"/>).
/// </summary>
internal sealed record StateSnapshot(IReadOnlyDictionary<string, string> Tables, IReadOnlyDictionary<string, string> Files)
{
    /// <summary>Takes the snapshot of <paramref name="connectionString"/>'s database and the files under <paramref name="archiveRoot"/>.</summary>
    public static async Task<StateSnapshot> TakeAsync(string connectionString, string? archiveRoot)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        var names = new List<string>();
        await using (var list = dataSource.CreateCommand(
            """
            SELECT quote_ident(table_schema) || '.' || quote_ident(table_name) FROM information_schema.tables
            WHERE table_type = 'BASE TABLE' AND table_schema NOT IN ('pg_catalog', 'information_schema')
              AND table_schema NOT LIKE '\_timescaledb%' AND table_schema NOT LIKE 'timescaledb%' AND table_name <> 'logs'
            ORDER BY 1
            """))
        await using (var reader = await list.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) names.Add(reader.GetString(0));
        }

        var tables = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            // Hashes of each row's text, sorted: the same rows in any physical order give the same checksum.
            await using var command = dataSource.CreateCommand($"SELECT count(*), coalesce(md5(string_agg(md5(t::text), '' ORDER BY md5(t::text))), '-') FROM {name} t");
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            tables[name] = $"{reader.GetInt64(0)} rows, {reader.GetString(1)}";
        }

        var files = new SortedDictionary<string, string>(StringComparer.Ordinal);
        if (archiveRoot is not null && Directory.Exists(archiveRoot))
        {
            foreach (var path in Directory.EnumerateFiles(archiveRoot, "*", SearchOption.AllDirectories))
            {
                var bytes = await File.ReadAllBytesAsync(path);
                files[Path.GetRelativePath(archiveRoot, path)] = $"{bytes.Length} bytes, {Convert.ToHexString(SHA256.HashData(bytes))}";
            }
        }
        return new StateSnapshot(tables, files);
    }

    /// <summary>What differs from <paramref name="before"/>, one line per table or file; empty when nothing changed.</summary>
    public IReadOnlyList<string> DifferencesFrom(StateSnapshot before)
    {
        var differences = new List<string>();
        foreach (var (kind, now, then) in new[] { ("table", Tables, before.Tables), ("file", Files, before.Files) })
        {
            foreach (var name in then.Keys.Union(now.Keys).Order(StringComparer.Ordinal))
            {
                var old = then.GetValueOrDefault(name, "absent");
                var current = now.GetValueOrDefault(name, "absent");
                if (old != current) differences.Add($"{kind} {name}: {old} -> {current}");
            }
        }
        return differences;
    }

    /// <summary>Log records the gateway shipped to the database that hold any of <paramref name="secrets"/> (their ids).</summary>
    public static async Task<IReadOnlyList<long>> LoggedSecretsAsync(string connectionString, IEnumerable<string> secrets)
    {
        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        await using var command = dataSource.CreateCommand("SELECT l.id FROM logs l WHERE EXISTS (SELECT 1 FROM unnest($1::text[]) s WHERE strpos(l::text, s) > 0) ORDER BY l.id");
        command.Parameters.Add(new NpgsqlParameter { Value = secrets.ToArray() });
        var ids = new List<long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) ids.Add(reader.GetInt64(0));
        return ids;
    }
}
