using StockPlatform.Deployment.Tests.Support;

namespace StockPlatform.Deployment.Tests;

/// <summary>
/// deploy/aspire-manifest.json: what scripts/publish-manifest.sh has the AppHost write in publish
/// mode, committed so manifest-driven tools can deploy without running the AppHost.
/// </summary>
public class ManifestTests
{
    private static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task The_committed_manifest_is_the_one_the_AppHost_publishes_now()
    {
        var fresh = await PublishAsync();
        try
        {
            var expected = await File.ReadAllLinesAsync(fresh.Path);
            var committed = await File.ReadAllLinesAsync(AspireManifest.CommittedPath);
            var firstDifference = Enumerable.Range(0, Math.Max(expected.Length, committed.Length))
                .FirstOrDefault(i => i >= expected.Length || i >= committed.Length || expected[i] != committed[i], -1);

            Assert.True(firstDifference < 0,
                $"deploy/aspire-manifest.json is out of date (run scripts/publish-manifest.sh): line {firstDifference + 1} is\n" +
                $"  {committed.ElementAtOrDefault(firstDifference)}\nbut the AppHost publishes\n  {expected.ElementAtOrDefault(firstDifference)}");
        }
        finally
        {
            File.Delete(fresh.Path);
        }
    }

    [Fact]
    public void The_manifest_names_every_resource_with_its_references_and_environment()
    {
        var manifest = AspireManifest.Load(AspireManifest.CommittedPath);

        Assert.Equal(
            ["alpaca-feed", "features", "frontend", "gateway", "gateway-api-key", "ingestion", "livestream", "marketsim",
             "messaging", "messaging-password", "messaging-password-uri-encoded", "postgres", "postgres-password", "stockplatform"],
            manifest.Names.Order(StringComparer.Ordinal));

        // The servers: TimescaleDB with its database, RabbitMQ with its management UI, each on a volume.
        Assert.Equal("docker.io/timescale/timescaledb:2.28.3-pg17", (string)manifest["postgres"]["image"]!);
        Assert.Equal("/var/lib/postgresql/data", (string)manifest["postgres"]["volumes"]![0]!["target"]!);
        Assert.Equal("{postgres.connectionString};Database=stockplatform", (string)manifest["stockplatform"]["connectionString"]!);
        Assert.Equal("stockplatform", manifest.RawEnvironment("postgres")["POSTGRES_DB"]);
        Assert.EndsWith("-management", (string)manifest["messaging"]["image"]!, StringComparison.Ordinal);
        Assert.Equal("/var/lib/rabbitmq", (string)manifest["messaging"]["volumes"]![0]!["target"]!);
        Assert.Equal(15672, manifest.PortOf("messaging", "management"));

        // Secrets are inputs the deployment supplies, never values.
        foreach (var secret in new[] { "postgres-password", "messaging-password", "gateway-api-key" })
        {
            Assert.True((bool)manifest[secret]["inputs"]!["value"]!["secret"]!, $"{secret} is not secret");
            Assert.Null(manifest[secret]["inputs"]!["value"]!["value"]);
        }

        // Every service: its project, and only what it reads (connection strings, not their parts).
        foreach (var service in manifest.Projects)
        {
            var project = Path.GetFullPath(Path.Combine(Repository.PathOf("deploy"), (string)manifest[service]["path"]!));
            Assert.True(File.Exists(project), $"{service}: {project} is missing");
            Assert.Equal($"{{{service}.bindings.http.targetPort}}", manifest.RawEnvironment(service)["HTTP_PORTS"]);
        }
        string[] withInfrastructure = ["ingestion", "livestream", "features", "gateway"];
        foreach (var service in withInfrastructure)
        {
            var environment = manifest.RawEnvironment(service);
            Assert.Equal("{stockplatform.connectionString}", environment["ConnectionStrings__stockplatform"]);
            Assert.Equal("{messaging.connectionString}", environment["ConnectionStrings__messaging"]);
            Assert.DoesNotContain(environment.Keys, key => key.StartsWith("STOCKPLATFORM_PASSWORD", StringComparison.Ordinal) || key.StartsWith("MESSAGING_", StringComparison.Ordinal));
        }
        foreach (var service in new[] { "ingestion", "livestream" })
        {
            var environment = manifest.RawEnvironment(service);
            Assert.Equal("{alpaca-feed.value}", environment["ALPACA_FEED"]);
            Assert.Equal("marketsim", environment["ALPACA_KEY_ID"]);
            Assert.Equal("{marketsim.bindings.http.url}", environment["ALPACA_DATA_URL"]);
            Assert.Equal("ws://{marketsim.bindings.http.host}:{marketsim.bindings.http.port}/v2/{feed}", environment["ALPACA_STREAM_URL"]);
        }
        Assert.Equal("/app/data", manifest.RawEnvironment("features")["Archive__Root"]);
        Assert.Equal("/app/data", manifest.RawEnvironment("gateway")["Archive__Root"]);
        Assert.Equal("{gateway-api-key.value}", manifest.RawEnvironment("gateway")["GATEWAY_API_KEY"]);
        Assert.Equal("MarketSim (synthetic data)", manifest.RawEnvironment("gateway")["STOCKPLATFORM_MARKET_DATA"]);

        // The dashboard finds every service by service discovery and holds the key; the public two are external.
        var dashboard = manifest.RawEnvironment("frontend");
        foreach (var service in new[] { "gateway", "ingestion", "features", "livestream", "marketsim" })
        {
            Assert.Equal($"{{{service}.bindings.http.url}}", dashboard[$"services__{service}__http__0"]);
        }
        Assert.Equal("{gateway-api-key.value}", dashboard["GATEWAY_API_KEY"]);
        Assert.All(new[] { "gateway", "frontend" }, service => Assert.True((bool?)manifest[service]["bindings"]!["http"]!["external"] == true, $"{service} is not external"));
        Assert.All(new[] { "ingestion", "livestream", "features", "marketsim" }, service => Assert.Null(manifest[service]["bindings"]!["http"]!["external"]));
    }

    [Fact]
    public async Task With_Alpaca_keys_the_manifest_asks_for_them_as_secrets_and_has_no_MarketSim()
    {
        var published = await PublishAsync("--alpaca");
        try
        {
            var manifest = AspireManifest.Load(published.Path);

            Assert.DoesNotContain("marketsim", manifest.Names);
            foreach (var key in new[] { "alpaca-key-id", "alpaca-secret-key" })
            {
                Assert.True((bool)manifest[key]["inputs"]!["value"]!["secret"]!, $"{key} is not secret");
            }
            foreach (var service in new[] { "ingestion", "livestream" })
            {
                var environment = manifest.RawEnvironment(service);
                Assert.Equal("{alpaca-key-id.value}", environment["ALPACA_KEY_ID"]);
                Assert.Equal("{alpaca-secret-key.value}", environment["ALPACA_SECRET_KEY"]);
                // Alpaca's own URLs are the services' defaults.
                Assert.DoesNotContain("ALPACA_DATA_URL", environment.Keys);
            }
            Assert.Equal("Alpaca", manifest.RawEnvironment("gateway")["STOCKPLATFORM_MARKET_DATA"]);
            Assert.DoesNotContain(manifest.RawEnvironment("frontend").Keys, key => key.Contains("marketsim", StringComparison.Ordinal));
            Assert.DoesNotContain("set-by-the-deployment", await File.ReadAllTextAsync(published.Path), StringComparison.Ordinal);
        }
        finally
        {
            File.Delete(published.Path);
        }
    }

    /// <summary>
    /// Runs scripts/publish-manifest.sh on the AppHost as built, into deploy/ beside the committed
    /// manifest (its project paths are relative to its folder).
    /// </summary>
    private static async Task<(string Path, string Output)> PublishAsync(params string[] options)
    {
        var path = Repository.PathOf("deploy", $".aspire-manifest.{Guid.NewGuid():N}.json");
        var (exitCode, output) = await Repository.RunAsync("bash",
            [Repository.PathOf("scripts", "publish-manifest.sh"), "--no-build", "--output", path, .. options], PublishTimeout);
        Assert.True(exitCode == 0 && File.Exists(path), $"publish-manifest.sh failed ({exitCode}):\n{output}");
        return (path, output);
    }
}
