using System.Security.Cryptography;

namespace StockPlatform.AppHost.Infrastructure;

/// <summary>
/// The local servers' passwords and the gateway's API key, generated once and kept beside their data in
/// <c>secrets.env</c> (mode 0600, git-ignored): the cluster and the broker keep the password they
/// were created with, so it must live exactly as long as their data does.
/// </summary>
public sealed class LocalSecrets
{
    /// <summary>The file name inside the data directory.</summary>
    public const string FileName = "secrets.env";

    private readonly Dictionary<string, string> _values;

    private LocalSecrets(Dictionary<string, string> values) => _values = values;

    /// <summary>PostgreSQL's <c>postgres</c> user.</summary>
    public string PostgresPassword => _values["PG_PASSWORD"];

    /// <summary>RabbitMQ's <c>stockplatform</c> user.</summary>
    public string RabbitMqPassword => _values["RABBITMQ_PASSWORD"];

    /// <summary>The key the gateway requires for state changes (<c>X-Api-Key</c>).</summary>
    public string GatewayApiKey => _values["GATEWAY_API_KEY"];

    /// <summary>Reads the file, adding any password it lacks.</summary>
    public static LocalSecrets LoadOrCreate(string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var path = Path.Combine(dataDirectory, FileName);
        var values = File.Exists(path)
            ? File.ReadAllLines(path)
                .Select(line => line.Split('=', 2))
                .Where(parts => parts.Length == 2 && parts[0].Length > 0)
                .ToDictionary(parts => parts[0].Trim(), parts => parts[1].Trim())
            : [];

        var missing = new[] { "PG_PASSWORD", "RABBITMQ_PASSWORD", "GATEWAY_API_KEY" }.Where(key => !values.ContainsKey(key)).ToList();
        if (missing.Count > 0)
        {
            foreach (var key in missing) values[key] = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
            File.WriteAllLines(path, values.Select(pair => $"{pair.Key}={pair.Value}"));
        }
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.UserWrite);
        return new LocalSecrets(values);
    }
}
