using System.Globalization;
using System.Runtime.InteropServices;
using System.Text.Json;
using Npgsql;

namespace StockPlatform.Bench.Report;

/// <summary>
/// Finds out what a report's figures ran on: the hardware and OS from /proc and /etc/os-release
/// (Linux; elsewhere what .NET knows), the runtime from .NET, the database versions from the
/// server itself, the rest from the session file the script wrote.
/// </summary>
internal static class MachineProbe
{
    public static async Task<MachineInfo> CollectAsync(JsonElement session, string? connectionString)
    {
        var (postgres, timescale) = connectionString is null ? (null, null) : await DatabaseVersionsAsync(connectionString);
        var started = Text(session, "started") is { } s && DateTimeOffset.TryParse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            ? date : DateTimeOffset.UtcNow;
        return new MachineInfo(
            Cpu: ProcField("/proc/cpuinfo", "model name") ?? RuntimeInformation.ProcessArchitecture.ToString(),
            Cores: Environment.ProcessorCount,
            Memory: ProcField("/proc/meminfo", "MemTotal") is { } total && long.TryParse(total.Split(' ')[0], CultureInfo.InvariantCulture, out var kib)
                ? $"{kib / 1024.0 / 1024.0:0.0} GiB".Replace(',', '.') : "unknown",
            OperatingSystem: OperatingSystemName(),
            Runtime: $"{RuntimeInformation.FrameworkDescription} ({RuntimeInformation.RuntimeIdentifier})",
            PostgreSql: postgres,
            TimescaleDb: timescale,
            RabbitMq: Text(session, "rabbitmq"),
            Date: started,
            Commit: Text(session, "commit"),
            Command: Text(session, "command"),
            Mode: Text(session, "mode"),
            Seconds: session.TryGetProperty("seconds", out var seconds) && seconds.ValueKind == JsonValueKind.Number ? seconds.GetDouble() : null);
    }

    // The server's version and the TimescaleDB the server offers (what CREATE EXTENSION installs); either may stay unknown.
    private static async Task<(string? Postgres, string? Timescale)> DatabaseVersionsAsync(string connectionString)
    {
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(connectionString) { Database = "postgres", Timeout = 5 };
            await using var source = NpgsqlDataSource.Create(builder.ConnectionString);
            await using var version = source.CreateCommand("SHOW server_version");
            var postgres = (string?)await version.ExecuteScalarAsync();
            await using var extension = source.CreateCommand("SELECT default_version FROM pg_available_extensions WHERE name = 'timescaledb'");
            var timescale = await extension.ExecuteScalarAsync() as string;
            return (postgres, timescale);
        }
        catch (Exception e) when (e is NpgsqlException or InvalidOperationException or ArgumentException)
        {
            Console.Error.WriteLine($"note: database versions unknown ({e.GetType().Name}: {e.Message})");
            return (null, null);
        }
    }

    private static string OperatingSystemName()
    {
        var pretty = File.Exists("/etc/os-release")
            ? File.ReadLines("/etc/os-release").FirstOrDefault(line => line.StartsWith("PRETTY_NAME=", StringComparison.Ordinal))?["PRETTY_NAME=".Length..].Trim('"')
            : null;
        var kernel = File.Exists("/proc/sys/kernel/osrelease") ? File.ReadAllText("/proc/sys/kernel/osrelease").Trim() : null;
        return pretty is null ? RuntimeInformation.OSDescription
            : kernel is null ? pretty
            : $"{pretty}, Linux {kernel}";
    }

    // "name : value" files (cpuinfo, meminfo): the first value of the name.
    private static string? ProcField(string file, string name)
    {
        if (!File.Exists(file)) return null;
        foreach (var line in File.ReadLines(file))
        {
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon > 0 && line[..colon].Trim() == name) return line[(colon + 1)..].Trim();
        }
        return null;
    }

    private static string? Text(JsonElement root, string name) =>
        root.ValueKind == JsonValueKind.Object && root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            && value.GetString() is { Length: > 0 } text ? text : null;
}
