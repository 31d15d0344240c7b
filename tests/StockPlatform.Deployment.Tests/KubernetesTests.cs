using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;
using StockPlatform.Deployment.Tests.Support;

namespace StockPlatform.Deployment.Tests;

/// <summary>deploy/k8s, a Kustomize base, against the AppHost's graph and the services' images.</summary>
public partial class KubernetesTests
{
    private static readonly string Folder = Repository.PathOf("deploy", "k8s");

    /// <summary>Variables a workload has beyond the AppHost's: telemetry's, and the secrets its connection strings are made of.</summary>
    private static readonly string[] KubernetesOnly = ["OTEL_SERVICE_NAME", "OTEL_EXPORTER_OTLP_ENDPOINT", "POSTGRES_PASSWORD", "RABBITMQ_PASSWORD"];

    private readonly AspireManifest _manifest = AspireManifest.Load(AspireManifest.CommittedPath);
    private readonly IReadOnlyList<Map> _objects = Directory.EnumerateFiles(Folder, "*.yaml", SearchOption.AllDirectories)
        .Where(path => Path.GetFileName(path) != "kustomization.yaml")
        .SelectMany(Yaml.LoadAll)
        .ToList();

    private Map Object(string kind, string name) =>
        _objects.SingleOrDefault(o => o.Text("kind") == kind && o.Child("metadata").Text("name") == name)
        ?? throw new KeyNotFoundException($"no {kind} {name} in deploy/k8s");

    private static Map PodSpec(Map workload) => workload.Child("spec").Child("template").Child("spec");

    private static Map Container(Map workload) => PodSpec(workload).Maps("containers").Single();

    [Fact]
    public void Every_manifest_parses_and_the_kustomization_lists_each_file_once()
    {
        var kustomization = Yaml.Load(Path.Combine(Folder, "kustomization.yaml"));
        var files = Directory.EnumerateFiles(Folder, "*.yaml", SearchOption.AllDirectories)
            .Select(path => Path.GetRelativePath(Folder, path))
            .Where(path => path != "kustomization.yaml")
            .Order(StringComparer.Ordinal);

        Assert.Equal(files, kustomization.Texts("resources").Order(StringComparer.Ordinal));
        Assert.All(_objects, o => Assert.False(string.IsNullOrEmpty(o.Text("apiVersion")), $"{o.Where} has no apiVersion"));
        Assert.All(_objects, o => Assert.False(string.IsNullOrEmpty(o.Child("metadata").Text("name")), $"{o.Where} has no name"));
        // The secrets come from a git-ignored file the example documents, key for key.
        var generator = kustomization.Maps("secretGenerator").Single();
        Assert.Equal("stockplatform-secrets", generator.Text("name"));
        Assert.Equal(["secrets.env"], generator.Texts("envs"));
        Assert.Equal(SecretKeys().Order(StringComparer.Ordinal), ExampleSecrets().Keys.Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Every_service_has_a_Deployment_and_a_Service_on_its_images_port_with_health_probes()
    {
        foreach (var name in _manifest.Projects)
        {
            var deployment = Object("Deployment", name);
            var container = Container(deployment);
            var project = ProjectFile(name);
            var imagePort = int.Parse(project.Descendants("ContainerPort").Single().Attribute("Include")!.Value, CultureInfo.InvariantCulture);

            Assert.Equal($"stockplatform/{name}:latest", container.Text("image"));
            var port = container.Maps("ports").Single();
            Assert.Equal(("http", imagePort), (port.Text("name"), int.Parse(port.Text("containerPort"), CultureInfo.InvariantCulture)));
            Assert.Equal(AspireManifest.ServicePort, imagePort);

            // Ready once its database and broker answer; restarted only when the process itself is stuck.
            Assert.Equal(("/health", "http"), Probe(container, "readinessProbe"));
            Assert.Equal(("/alive", "http"), Probe(container, "livenessProbe"));
            Assert.Equal(("/alive", "http"), Probe(container, "startupProbe"));

            // The image's user, which must not be root (uid 0).
            var security = PodSpec(deployment).Child("securityContext");
            Assert.Equal("true", security.Text("runAsNonRoot"));
            Assert.Equal(project.Descendants("ContainerUser").Single().Value, security.Text("runAsUser"));

            // The Service is named like the AppHost's resource (its DNS name) and reaches the pods' port.
            var service = Object("Service", name);
            Assert.Equal(deployment.Child("spec").Child("template").Child("metadata").Scalars("labels")["app.kubernetes.io/name"],
                service.Child("spec").Scalars("selector")["app.kubernetes.io/name"]);
            var servicePort = service.Child("spec").Maps("ports").Single();
            Assert.Equal(("http", AspireManifest.ServicePort.ToString(CultureInfo.InvariantCulture)), (servicePort.Text("targetPort"), servicePort.Text("port")));
        }
    }

    [Fact]
    public void Every_workload_gets_exactly_the_environment_the_AppHost_gives_it()
    {
        foreach (var name in _manifest.Projects)
        {
            var expected = _manifest.ResolvedEnvironment(name);
            var actual = Environment(Container(Object("Deployment", name)));

            Assert.Equal(name, actual["OTEL_SERVICE_NAME"]);
            var missing = expected.Where(pair => !actual.TryGetValue(pair.Key, out var value) || value != pair.Value).Select(pair => $"{pair.Key}={pair.Value}");
            Assert.True(!missing.Any(), $"{name} lacks or differs in: {string.Join(", ", missing)}");
            var extra = actual.Keys.Except(expected.Keys).Except(KubernetesOnly);
            Assert.True(!extra.Any(), $"{name} has variables the AppHost does not give it: {string.Join(", ", extra)}");
        }
    }

    [Fact]
    public void The_servers_are_StatefulSets_of_the_AppHosts_images_with_its_environment_on_their_own_volumes()
    {
        foreach (var name in _manifest.Containers)
        {
            var statefulSet = Object("StatefulSet", name);
            var container = Container(statefulSet);
            Assert.Equal((string)_manifest[name]["image"]!, container.Text("image"));
            Assert.Equal("1", statefulSet.Child("spec").Text("replicas"));

            var mounts = container.Maps("volumeMounts").Select(mount => mount.Text("mountPath"));
            Assert.Equal(_manifest[name]["volumes"]!.AsArray().Select(volume => (string)volume!["target"]!), mounts);
            var claims = statefulSet.Child("spec").Maps("volumeClaimTemplates").Select(claim => claim.Child("metadata").Text("name"));
            Assert.Equal(container.Maps("volumeMounts").Select(mount => mount.Text("name")), claims);

            // PGDATA moves the cluster below the volume's lost+found; nothing else differs.
            var environment = Environment(container);
            Assert.Equal(_manifest.ResolvedEnvironment(name).OrderBy(pair => pair.Key), environment.Where(pair => pair.Key != "PGDATA").OrderBy(pair => pair.Key));
            Assert.True(container.Has("readinessProbe"), $"{name} has no readiness probe");

            // Reachable under the AppHost's name, on the ports its bindings name.
            var servicePorts = Object("Service", name).Child("spec").Maps("ports").ToDictionary(port => port.Text("name"), port => port.Text("port"));
            foreach (var binding in _manifest[name]["bindings"]!.AsObject())
            {
                Assert.Equal(_manifest.PortOf(name, binding.Key).ToString(CultureInfo.InvariantCulture), servicePorts[binding.Key]);
            }
        }
    }

    [Fact]
    public void The_archive_is_one_shared_volume_where_the_AppHost_says_and_writable_by_the_images_user()
    {
        var claim = Object("PersistentVolumeClaim", "archive");
        Assert.Equal(["ReadWriteMany"], claim.Child("spec").Texts("accessModes"));
        foreach (var name in _manifest.Projects)
        {
            var deployment = Object("Deployment", name);
            var archiveRoot = _manifest.RawEnvironment(name).GetValueOrDefault("Archive__Root");
            var mounts = Container(deployment).Maps("volumeMounts").Select(mount => mount.Text("mountPath"));
            Assert.Equal(archiveRoot is null ? [] : [archiveRoot], mounts);
            if (archiveRoot is null) continue;
            Assert.Equal("archive", PodSpec(deployment).Maps("volumes").Single().Child("persistentVolumeClaim").Text("claimName"));
            Assert.Equal(PodSpec(deployment).Child("securityContext").Text("runAsGroup"), PodSpec(deployment).Child("securityContext").Text("fsGroup"));
        }
    }

    [Fact]
    public void The_live_updater_runs_one_replica_and_its_manifest_says_why()
    {
        Assert.Equal("1", Object("Deployment", "livestream").Child("spec").Text("replicas"));
        var text = File.ReadAllText(Path.Combine(Folder, "services", "livestream.yaml"));
        Assert.Contains("advisory", text, StringComparison.Ordinal);
        Assert.Contains("Keep one replica", text, StringComparison.Ordinal);
    }

    /// <summary>A container's environment as Kubernetes gives it: ConfigMap and Secret values, $(NAME) expanded.</summary>
    private IReadOnlyDictionary<string, string> Environment(Map container)
    {
        var config = Object("ConfigMap", "stockplatform-config").Scalars("data");
        var secrets = ExampleSecrets();
        var environment = new Dictionary<string, string>();
        foreach (var variable in container.Maps("env"))
        {
            var name = variable.Text("name");
            if (variable.ChildOrNull("valueFrom") is { } from)
            {
                environment[name] = from.ChildOrNull("configMapKeyRef") is { } configKey
                    ? config[configKey.Text("key")]
                    : secrets[from.Child("secretKeyRef").Text("key")];
                Assert.Equal(from.ChildOrNull("configMapKeyRef") is null ? "stockplatform-secrets" : "stockplatform-config",
                    (from.ChildOrNull("configMapKeyRef") ?? from.Child("secretKeyRef")).Text("name"));
            }
            else
            {
                // Kubernetes expands $(NAME) from the variables defined before it.
                environment[name] = Reference().Replace(variable.TextOrNull("value") ?? string.Empty,
                    match => environment.TryGetValue(match.Groups[1].Value, out var value) ? value : match.Value);
            }
        }
        return environment;
    }

    /// <summary>secrets.env.example with the secrets it leaves blank filled in.</summary>
    private static Dictionary<string, string> ExampleSecrets()
    {
        var secrets = File.ReadAllLines(Path.Combine(Folder, "secrets.env.example"))
            .Where(line => line.Length > 0 && !line.StartsWith('#'))
            .Select(line => line.Split('=', 2))
            .ToDictionary(parts => parts[0], parts => parts[1]);
        secrets["POSTGRES_PASSWORD"] = AspireManifest.TestParameters["postgres-password"];
        secrets["RABBITMQ_PASSWORD"] = AspireManifest.TestParameters["messaging-password"];
        secrets["GATEWAY_API_KEY"] = AspireManifest.TestParameters["gateway-api-key"];
        return secrets;
    }

    /// <summary>Every key of the Secret some workload reads.</summary>
    private IEnumerable<string> SecretKeys() => _objects
        .Where(o => o.Text("kind") is "Deployment" or "StatefulSet")
        .SelectMany(o => Container(o).Maps("env"))
        .Select(variable => variable.ChildOrNull("valueFrom")?.ChildOrNull("secretKeyRef")?.Text("key"))
        .OfType<string>()
        .Distinct();

    private static (string Path, string Port) Probe(Map container, string probe)
    {
        var get = container.Child(probe).Child("httpGet");
        return (get.Text("path"), get.Text("port"));
    }

    private XDocument ProjectFile(string name) =>
        XDocument.Load(Path.GetFullPath(Path.Combine(Repository.PathOf("deploy"), (string)_manifest[name]["path"]!)));

    [GeneratedRegex(@"\$\(([A-Za-z_][A-Za-z0-9_]*)\)")]
    private static partial Regex Reference();
}
