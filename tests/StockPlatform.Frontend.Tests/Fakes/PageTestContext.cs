using Bunit;
using Bunit.Rendering;
using Microsoft.AspNetCore.Components;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using MudBlazor;
using MudBlazor.Services;
using StockPlatform.Frontend.Gateway;

namespace StockPlatform.Frontend.Tests.Fakes;

/// <summary>
/// A page rendered against a <see cref="FakeGateway"/>, inside the providers the layout gives it
/// (popovers for selects, dialogs for confirmations, snackbars). The gateway's event stream is
/// never opened: a test raises events with <see cref="RaiseEvent"/>.
/// </summary>
public abstract class PageTestContext : BunitContext, IAsyncLifetime
{
    internal const string ApiKey = "test-key";

    internal FakeGateway Gateway { get; } = new();

    protected PageTestContext()
    {
        JSInterop.Mode = JSRuntimeMode.Loose;
        Services.AddMudServices();
        Services.AddSingleton(new GatewayClient(new HttpClient(Gateway) { BaseAddress = new Uri("http://gateway") },
            Options.Create(new GatewayClientOptions { ApiKey = ApiKey })));
        Services.AddHttpClient();
        Services.AddSingleton<GatewayEvents>();
        Services.AddSingleton<TimeProvider>(Clock);
    }

    /// <summary>The time the pages read (heartbeat ages, log time ranges); it moves only when a test advances it.</summary>
    internal ManualClock Clock { get; } = new(new DateTimeOffset(2026, 11, 30, 6, 40, 0, TimeSpan.Zero));

    // MudBlazor's services dispose only asynchronously.
    Task IAsyncLifetime.InitializeAsync() => Task.CompletedTask;

    async Task IAsyncLifetime.DisposeAsync() => await base.DisposeAsync();

    /// <summary>Where the page navigated to, relative to the base address.</summary>
    protected string CurrentPath
    {
        get
        {
            var navigation = Services.GetRequiredService<NavigationManager>();
            return "/" + navigation.ToBaseRelativePath(navigation.Uri);
        }
    }

    /// <summary>Hands an event to the pages as if the gateway's stream had carried it.</summary>
    protected void RaiseEvent(string kind, string data) => Services.GetRequiredService<GatewayEvents>().Publish(kind, data);

    /// <summary>Renders <typeparamref name="TPage"/> with route parameters (<c>("Symbol", "SPY")</c>).</summary>
    protected IRenderedComponent<ContainerFragment> RenderPage<TPage>(params (string Name, object Value)[] parameters) where TPage : IComponent =>
        Render(builder =>
        {
            builder.OpenComponent<MudPopoverProvider>(0);
            builder.CloseComponent();
            builder.OpenComponent<MudDialogProvider>(1);
            builder.CloseComponent();
            builder.OpenComponent<MudSnackbarProvider>(2);
            builder.CloseComponent();
            builder.OpenComponent<TPage>(3);
            foreach (var (name, value) in parameters) builder.AddAttribute(4, name, value);
            builder.CloseComponent();
        });
}
