using YamlDotNet.Core;
using YamlDotNet.Core.Events;
using YamlDotNet.Serialization;

namespace StockPlatform.Deployment.Tests.Support;

/// <summary>
/// YAML files as plain maps and lists (YamlDotNet), with anchors, aliases and merge keys
/// (<c>&lt;&lt;: *anchor</c>) resolved as Compose and Kubernetes resolve them.
/// </summary>
internal static class Yaml
{
    private static readonly IDeserializer Deserializer = new DeserializerBuilder().Build();

    /// <summary>Every document of a file (Kubernetes manifests hold several, separated by ---).</summary>
    public static IReadOnlyList<Map> LoadAll(string path)
    {
        using var reader = new StreamReader(path);
        var parser = new MergingParser(new Parser(reader));
        parser.Consume<StreamStart>();
        var documents = new List<Map>();
        while (parser.Accept<DocumentStart>(out _))
        {
            if (Deserializer.Deserialize<object>(parser) is Dictionary<object, object> document) documents.Add(new Map(document, Path.GetFileName(path)));
        }
        return documents;
    }

    public static Map Load(string path) => LoadAll(path).Single();
}

/// <summary>A YAML mapping, with the path to it for failure messages.</summary>
internal sealed class Map(Dictionary<object, object> values, string where)
{
    public string Where => where;

    public IEnumerable<string> Keys => values.Keys.Select(key => (string)key);

    public bool Has(string key) => values.ContainsKey(key);

    /// <summary>A scalar as the text the YAML holds (numbers and booleans included).</summary>
    public string Text(string key) => Value(key) as string ?? throw new InvalidDataException($"{where}.{key} is not a scalar");

    public string? TextOrNull(string key) => values.TryGetValue(key, out var value) ? value as string : null;

    public Map Child(string key) => Value(key) is Dictionary<object, object> child
        ? new Map(child, $"{where}.{key}")
        : throw new InvalidDataException($"{where}.{key} is not a mapping");

    public Map? ChildOrNull(string key) => values.TryGetValue(key, out var value) && value is Dictionary<object, object> child ? new Map(child, $"{where}.{key}") : null;

    public IReadOnlyList<object> List(string key) => values.TryGetValue(key, out var value) && value is List<object> list ? list : [];

    public IReadOnlyList<Map> Maps(string key) =>
        [.. List(key).Select((item, index) => item is Dictionary<object, object> map ? new Map(map, $"{where}.{key}[{index}]") : throw new InvalidDataException($"{where}.{key}[{index}] is not a mapping"))];

    public IReadOnlyList<string> Texts(string key) => [.. List(key).Cast<string>()];

    /// <summary>A mapping of scalars (an environment, labels) as a dictionary.</summary>
    public IReadOnlyDictionary<string, string> Scalars(string key) =>
        ChildOrNull(key) is { } child ? child.Keys.ToDictionary(name => name, child.Text) : new Dictionary<string, string>();

    private object Value(string key) => values.TryGetValue(key, out var value) && value is not null
        ? value
        : throw new KeyNotFoundException($"{where} has no {key}");
}
