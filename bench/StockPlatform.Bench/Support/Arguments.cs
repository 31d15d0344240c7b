using System.Globalization;

namespace StockPlatform.Bench.Support;

/// <summary>Reads <c>--name value</c> pairs.</summary>
internal sealed class Arguments(string[] args)
{
    public int Int(string name, int fallback) =>
        Find(name) is { } text ? int.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) =>
        Find(name) is { } text ? double.Parse(text, CultureInfo.InvariantCulture) : fallback;

    public string? Text(string name) => Find(name);

    private string? Find(string name)
    {
        var index = Array.IndexOf(args, "--" + name);
        return index >= 0 && index + 1 < args.Length ? args[index + 1] : null;
    }
}
