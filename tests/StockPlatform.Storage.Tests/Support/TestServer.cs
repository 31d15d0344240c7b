using StockPlatform.Testing;

namespace StockPlatform.Storage.Tests.Support;

/// <summary>
/// The real PostgreSQL that ./scripts/test.sh starts, found through the connection string the
/// services read. Tests never share a database: each creates its own on this server.
/// </summary>
internal static class TestServer
{
    private const string Variable = "ConnectionStrings__stockplatform";
    private const string Hint = "Run the tests with ./scripts/test.sh: it starts a throwaway PostgreSQL and passes its connection string.";

    /// <summary>The connection string from the environment, or a failure that says how to get one.</summary>
    public static string ConnectionString
    {
        get
        {
            var value = Environment.GetEnvironmentVariable(Variable);
            if (string.IsNullOrWhiteSpace(value))
                throw new InvalidOperationException($"No PostgreSQL for the storage tests: {Variable} is not set. {Hint}");
            return value;
        }
    }

    /// <summary>Creates an empty database of the test's own; disposing it drops it.</summary>
    public static Task<ThrowawayDatabase> CreateDatabaseAsync() => ThrowawayDatabase.CreateAsync(ConnectionString, "sp_", Hint);
}
