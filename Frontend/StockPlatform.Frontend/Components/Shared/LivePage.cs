using Microsoft.AspNetCore.Components;
using StockPlatform.Frontend.Display;
using StockPlatform.Frontend.Gateway;

namespace StockPlatform.Frontend.Components.Shared;

/// <summary>
/// A page that reloads what it shows when the gateway's events say it changed (a burst of them is
/// one reload, at most once per <see cref="MinimumInterval"/>) and on a slow timer in any case.
/// </summary>
public abstract class LivePage : ComponentBase, IDisposable
{
    private Refresher? _refresher;

    [Inject]
    private GatewayEvents Events { get; set; } = null!;

    /// <summary>The shortest time between two reloads.</summary>
    protected virtual TimeSpan MinimumInterval => TimeSpan.FromSeconds(1);

    /// <summary>How often the page reloads without an event (health, estimates).</summary>
    protected virtual TimeSpan Every => TimeSpan.FromSeconds(10);

    /// <summary>Whether an event touches what the page shows: job events and gaps in the stream.</summary>
    protected virtual bool Concerns(GatewayEvent e) => e.Kind.StartsWith("job", StringComparison.Ordinal) || e.Kind == "gap";

    /// <summary>Loads what the page shows and renders it.</summary>
    protected abstract Task LoadAsync();

    protected override async Task OnInitializedAsync()
    {
        _refresher = new Refresher(() => InvokeAsync(LoadAsync), MinimumInterval, Every);
        Events.Received += OnEvent;
        await LoadAsync();
    }

    private void OnEvent(GatewayEvent e)
    {
        if (Concerns(e)) _refresher?.Poke();
    }

    public void Dispose()
    {
        Dispose(true);
        GC.SuppressFinalize(this);
    }

    /// <summary>Stops the reloads; a page with timers of its own stops them here too.</summary>
    protected virtual void Dispose(bool disposing)
    {
        if (!disposing) return;
        Events.Received -= OnEvent;
        _refresher?.Dispose();
    }
}
