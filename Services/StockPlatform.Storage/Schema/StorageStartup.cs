using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace StockPlatform.Storage.Schema;

/// <summary>Migrates at start-up (unless disabled), so the first request finds the schema ready.</summary>
internal sealed class StorageStartup(StorageSchema schema, IOptions<StorageOptions> options) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        if (!options.Value.MigrateOnStart) return;
        try
        {
            await schema.GetInfoAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Npgsql.NpgsqlException)
        {
            // The database may still be starting: /health reports it, and the first store call migrates.
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
