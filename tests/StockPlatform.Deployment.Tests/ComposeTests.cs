using System.Text.RegularExpressions;
using StockPlatform.Deployment.Tests.Support;

namespace StockPlatform.Deployment.Tests;

/// <summary>
/// deploy/docker-compose.yml against the AppHost's graph (the committed manifest, which the
/// manifest tests hold to the AppHost): the same services, images, volumes, ports and environment.
/// </summary>
public class ComposeTests
{
    private static readonly string ComposePath = Repository.PathOf("deploy", "docker-compose.yml");
    private static readonly string EnvExamplePath = Repository.PathOf("deploy", ".env.example");

    /// <summary>Variables the compose file adds to what the AppHost gives a service: the name telemetry uses, and where it goes.</summary>
    private static readonly string[] ComposeOnly = ["OTEL_SERVICE_NAME", "OTEL_EXPORTER_OTLP_ENDPOINT"];

    /// <summary>What each service waits for (the AppHost's WaitFor): healthy servers, MarketSim when it runs, the gateway.</summary>
    private static readonly Dictionary<string, string[]> Waits = new()
    {
        ["marketsim"] = [],
        ["ingestion"] = ["postgres", "messaging", "marketsim"],
        ["livestream"] = ["postgres", "messaging", "marketsim"],
        ["features"] = ["postgres", "messaging"],
        ["gateway"] = ["postgres", "messaging"],
        ["frontend"] = ["gateway"],
    };

    private readonly AspireManifest _manifest = AspireManifest.Load(AspireManifest.CommittedPath);
    private readonly Map _compose = Yaml.Load(ComposePath);

    /// <summary>.env.example as users copy it, with the three secrets it leaves blank filled in.</summary>
    private static Dictionary<string, string> ExampleEnvironment()
    {
        var variables = File.ReadAllLines(EnvExamplePath)
            .Select(line => line.Trim())
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts[1]);
        variables["POSTGRES_PASSWORD"] = AspireManifest.TestParameters["postgres-password"];
        variables["RABBITMQ_PASSWORD"] = AspireManifest.TestParameters["messaging-password"];
        variables["GATEWAY_API_KEY"] = AspireManifest.TestParameters["gateway-api-key"];
        return variables;
    }

    private Map Service(string name) => _compose.Child("services").Child(name);

    private IReadOnlyDictionary<string, string> Environment(string service) =>
        Service(service).Scalars("environment").ToDictionary(pair => pair.Key, pair => ComposeInterpolation.Apply(pair.Value, ExampleEnvironment()));

    [Fact]
    public void The_compose_file_runs_every_resource_of_the_AppHost_and_nothing_else()
    {
        Assert.Equal(
            _manifest.Containers.Concat(_manifest.Projects).Order(StringComparer.Ordinal),
            _compose.Child("services").Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void The_servers_run_the_AppHosts_images_on_volumes_with_its_environment()
    {
        foreach (var server in _manifest.Containers)
        {
            var service = Service(server);
            Assert.Equal((string)_manifest[server]["image"]!, service.Text("image"));
            var targets = service.Texts("volumes").Select(volume => volume.Split(':')[1]);
            Assert.Equal(_manifest[server]["volumes"]!.AsArray().Select(volume => (string)volume!["target"]!), targets);
            Assert.Equal(_manifest.ResolvedEnvironment(server).OrderBy(pair => pair.Key), Environment(server).OrderBy(pair => pair.Key));
            Assert.True(service.Has("healthcheck"), $"{server} has no health check");
        }
        // The broker's node name, and so its data directory, must not change with the container.
        Assert.Equal("messaging", Service("messaging").Text("hostname"));
    }

    [Fact]
    public void Every_service_gets_exactly_the_environment_the_AppHost_gives_it()
    {
        foreach (var name in _manifest.Projects)
        {
            var expected = _manifest.ResolvedEnvironment(name);
            var actual = Environment(name);

            Assert.Equal(name, actual["OTEL_SERVICE_NAME"]);
            var missing = expected.Where(pair => !actual.TryGetValue(pair.Key, out var value) || value != pair.Value).Select(pair => $"{pair.Key}={pair.Value}");
            Assert.True(!missing.Any(), $"{name} lacks or differs in: {string.Join(", ", missing)} (it has: {string.Join(", ", actual.Select(pair => $"{pair.Key}={pair.Value}"))})");
            var extra = actual.Keys.Except(expected.Keys).Except(ComposeOnly);
            Assert.True(!extra.Any(), $"{name} has variables the AppHost does not give it: {string.Join(", ", extra)}");
        }
    }

    [Fact]
    public void Every_service_runs_its_image_with_a_health_check_and_waits_for_what_the_AppHost_waits_for()
    {
        foreach (var name in _manifest.Projects)
        {
            var service = Service(name);
            Assert.Equal($"stockplatform/{name}:latest", ComposeInterpolation.Apply(service.Text("image"), ExampleEnvironment()));

            // The image's /health on its port (SDK-built images have no HEALTHCHECK of their own).
            var probe = string.Join(' ', service.Child("healthcheck").Texts("test"));
            Assert.Contains($"/dev/tcp/127.0.0.1/{AspireManifest.ServicePort}", probe, StringComparison.Ordinal);
            Assert.Contains("GET /health ", probe, StringComparison.Ordinal);

            var dependsOn = service.ChildOrNull("depends_on");
            Assert.Equal(Waits[name].Order(StringComparer.Ordinal), (dependsOn?.Keys ?? []).Order(StringComparer.Ordinal));
            foreach (var dependency in Waits[name])
            {
                var condition = dependsOn!.Child(dependency);
                Assert.Equal("service_healthy", condition.Text("condition"));
                // MarketSim runs only with its profile; without it (Alpaca) nothing may wait for it.
                Assert.Equal(dependency == "marketsim" ? "false" : null, condition.TextOrNull("required"));
            }
        }
        Assert.Equal(["marketsim"], Service("marketsim").Texts("profiles"));
        Assert.Contains("marketsim", ExampleEnvironment()["COMPOSE_PROFILES"].Split(','));
    }

    [Fact]
    public void Only_the_AppHosts_external_services_are_published_and_the_archive_volume_is_where_it_says()
    {
        foreach (var name in _manifest.Projects)
        {
            var external = (bool?)_manifest[name]["bindings"]!["http"]!["external"] == true;
            var ports = Service(name).Texts("ports").Select(port => ComposeInterpolation.Apply(port, ExampleEnvironment())).ToList();
            if (external) Assert.Single(ports, port => port.EndsWith($":{AspireManifest.ServicePort}", StringComparison.Ordinal));
            else Assert.Empty(ports);

            var archiveRoot = _manifest.RawEnvironment(name).GetValueOrDefault("Archive__Root");
            var volumes = Service(name).Texts("volumes");
            Assert.Equal(archiveRoot is null ? [] : [$"archive:{archiveRoot}"], volumes);
        }
        Assert.Equal("8000:8080", Service("gateway").Texts("ports").Select(port => ComposeInterpolation.Apply(port, ExampleEnvironment())).Single());
        Assert.Equal("8080:8080", Service("frontend").Texts("ports").Select(port => ComposeInterpolation.Apply(port, ExampleEnvironment())).Single());
        Assert.Equal(["archive", "pgdata", "rabbitmq"], _compose.Child("volumes").Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_variable_the_compose_file_reads_is_explained_in_the_env_example()
    {
        var read = ComposeInterpolation.VariablesIn(File.ReadAllText(ComposePath));
        var documented = File.ReadAllLines(EnvExamplePath)
            .Select(line => Regex.Match(line, @"^#?\s*([A-Z][A-Z0-9_]*)="))
            .Where(match => match.Success)
            .Select(match => match.Groups[1].Value)
            .ToHashSet();

        Assert.Contains("POSTGRES_PASSWORD", read);
        Assert.DoesNotContain(read, name => !documented.Contains(name));
    }

    [Fact]
    public void The_secrets_must_be_given_and_appear_nowhere_but_in_the_env_file()
    {
        var withoutPassword = ExampleEnvironment();
        withoutPassword.Remove("POSTGRES_PASSWORD");

        var error = Assert.Throws<InvalidOperationException>(() => ComposeInterpolation.Apply(Service("gateway").Scalars("environment")["ConnectionStrings__stockplatform"], withoutPassword));
        Assert.Contains("POSTGRES_PASSWORD", error.Message, StringComparison.Ordinal);
        var example = File.ReadAllText(EnvExamplePath);
        Assert.Matches(new Regex("^POSTGRES_PASSWORD=$", RegexOptions.Multiline), example);
        Assert.Matches(new Regex("^RABBITMQ_PASSWORD=$", RegexOptions.Multiline), example);
        Assert.Matches(new Regex("^GATEWAY_API_KEY=$", RegexOptions.Multiline), example);
    }
}
