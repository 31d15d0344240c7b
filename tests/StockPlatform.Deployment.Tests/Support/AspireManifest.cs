using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace StockPlatform.Deployment.Tests.Support;

/// <summary>
/// The Aspire manifest the AppHost publishes, read as the graph a container host deploys: its
/// resources, and each one's environment with every <c>{resource.property}</c> expression resolved
/// the way a deployment of it resolves them (a resource's host is its name; a service listens on its
/// image's port), so it can be compared value by value with the compose file and the Kubernetes manifests.
/// </summary>
internal sealed partial class AspireManifest
{
    /// <summary>The port every service image listens on (ContainerPort in each service's project).</summary>
    public const int ServicePort = 8080;

    /// <summary>The values a deployment gives the manifest's parameters in these tests.</summary>
    public static readonly IReadOnlyDictionary<string, string> TestParameters = new Dictionary<string, string>
    {
        ["postgres-password"] = "pg-secret-1",
        ["messaging-password"] = "mq-secret-2",
        ["gateway-api-key"] = "gateway-key-3",
        // The AppHost's default feed.
        ["alpaca-feed"] = "iex",
    };

    private readonly JsonObject _resources;

    private AspireManifest(JsonObject resources) => _resources = resources;

    public static string CommittedPath => Repository.PathOf("deploy", "aspire-manifest.json");

    public static AspireManifest Load(string path) =>
        new(JsonNode.Parse(File.ReadAllText(path))!["resources"]!.AsObject());

    public IEnumerable<string> Names => _resources.Select(pair => pair.Key);

    public JsonObject this[string name] => _resources[name]?.AsObject() ?? throw new KeyNotFoundException($"the manifest has no resource {name}");

    public string TypeOf(string name) => (string)this[name]["type"]!;

    /// <summary>The services (project.v0 resources), which become the platform's images.</summary>
    public IEnumerable<string> Projects => Names.Where(name => TypeOf(name).StartsWith("project.", StringComparison.Ordinal));

    /// <summary>The servers the AppHost runs as containers (TimescaleDB, RabbitMQ).</summary>
    public IEnumerable<string> Containers => Names.Where(name => TypeOf(name).StartsWith("container.", StringComparison.Ordinal));

    public IReadOnlyDictionary<string, string> RawEnvironment(string name) =>
        this[name]["env"]?.AsObject().ToDictionary(pair => pair.Key, pair => (string)pair.Value!) ?? [];

    /// <summary>
    /// A resource's environment as a deployment resolves it, without the variables for the services'
    /// https endpoints: the compose file and the Kubernetes manifests serve plain HTTP inside their
    /// network (TLS belongs to the ingress or proxy in front of the gateway and the dashboard).
    /// </summary>
    public IReadOnlyDictionary<string, string> ResolvedEnvironment(string name) =>
        RawEnvironment(name)
            .Where(pair => !pair.Value.Contains(".bindings.https.", StringComparison.Ordinal))
            .ToDictionary(pair => pair.Key, pair => Resolve(pair.Value));

    /// <summary>Replaces every <c>{resource.property}</c> in the text (a template like <c>{feed}</c> has no dot and stays).</summary>
    public string Resolve(string text) => Expression().Replace(text, match => ResolveReference(match.Groups["resource"].Value, match.Groups["path"].Value.Split('.')));

    /// <summary>The port a resource's binding listens on inside the network.</summary>
    public int PortOf(string resource, string binding) =>
        TypeOf(resource).StartsWith("project.", StringComparison.Ordinal)
            ? ServicePort
            : (int)this[resource]["bindings"]![binding]!["targetPort"]!;

    private string ResolveReference(string resource, string[] path)
    {
        var node = this[resource];
        switch (path)
        {
            case ["connectionString"]:
                return Resolve((string)node["connectionString"]!);
            case ["value"] when TypeOf(resource) == "annotated.string":
                var value = Resolve((string)node["value"]!);
                return (string?)node["filter"] == "uri" ? Uri.EscapeDataString(value) : value;
            case ["value"] or ["inputs", "value"]:
                return TestParameters.TryGetValue(resource, out var parameter)
                    ? parameter
                    : throw new InvalidOperationException($"no test value for the parameter {resource}");
            case ["bindings", var binding, var property]:
                var scheme = (string)node["bindings"]![binding]!["scheme"]!;
                var port = PortOf(resource, binding).ToString(CultureInfo.InvariantCulture);
                return property switch
                {
                    "host" => resource,
                    "port" or "targetPort" => port,
                    "scheme" => scheme,
                    "url" => $"{scheme}://{resource}:{port}",
                    _ => throw new InvalidOperationException($"unknown binding property {property} of {resource}"),
                };
            default:
                throw new InvalidOperationException($"unknown reference {{{resource}.{string.Join('.', path)}}}");
        }
    }

    [GeneratedRegex(@"\{(?<resource>[a-z0-9-]+)\.(?<path>[A-Za-z0-9.]+)\}")]
    private static partial Regex Expression();
}
