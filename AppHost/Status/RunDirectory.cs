namespace StockPlatform.AppHost.Status;

/// <summary>Where the AppHost leaves its pid and its resources' states for the scripts.</summary>
internal sealed record RunDirectory(string Path)
{
    public string PidFile => System.IO.Path.Combine(Path, "apphost.pid");

    public string ResourcesFile => System.IO.Path.Combine(Path, "resources.tsv");
}
