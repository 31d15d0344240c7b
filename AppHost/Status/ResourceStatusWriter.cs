using System.Globalization;
using System.Text;
using Microsoft.Extensions.Hosting;

namespace StockPlatform.AppHost.Status;

/// <summary>
/// Keeps <c>run/apphost.pid</c> and <c>run/resources.tsv</c> (name, type, state, health, URLs) in
/// the data directory up to date, so <c>scripts/status.sh</c> and <c>scripts/down.sh</c> can see
/// and stop a platform started by <c>scripts/up.sh</c> or by <c>dotnet run</c>.
/// </summary>
internal sealed class ResourceStatusWriter(ResourceNotificationService notifications, RunDirectory runDirectory) : BackgroundService
{
    private readonly SortedDictionary<string, CustomResourceSnapshot> _resources = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The dashboard's login URL is in the table: only the user who runs the platform may read it.
        Directory.CreateDirectory(runDirectory.Path);
        if (!OperatingSystem.IsWindows()) File.SetUnixFileMode(runDirectory.Path, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        await File.WriteAllTextAsync(runDirectory.PidFile, Environment.ProcessId.ToString(CultureInfo.InvariantCulture), stoppingToken);
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                if (update.Snapshot.IsHidden || update.Snapshot.ResourceType is "Parameter") continue;
                _resources[update.Resource.Name] = update.Snapshot;
                await WriteAsync(stoppingToken);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down.
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        File.Delete(runDirectory.PidFile);
        File.Delete(runDirectory.ResourcesFile);
    }

    private async Task WriteAsync(CancellationToken cancellationToken)
    {
        var text = new StringBuilder();
        foreach (var (name, snapshot) in _resources)
        {
            var urls = string.Join(' ', snapshot.Urls.Where(url => !url.IsInternal).Select(url => url.Url));
            text.Append(name).Append('\t')
                .Append(snapshot.ResourceType).Append('\t')
                .Append(snapshot.State?.Text is { Length: > 0 } state ? state : "Starting").Append('\t')
                .Append(snapshot.HealthStatus?.ToString() ?? "-").Append('\t')
                .Append(urls.Length > 0 ? urls : "-").Append('\n');
        }
        // Written aside and renamed, so a reader never sees half a table.
        var temporary = runDirectory.ResourcesFile + ".tmp";
        await File.WriteAllTextAsync(temporary, text.ToString(), cancellationToken);
        File.Move(temporary, runDirectory.ResourcesFile, overwrite: true);
    }
}
