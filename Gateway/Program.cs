using StockPlatform.Gateway.Apis;
using StockPlatform.Gateway.Events;
using StockPlatform.Gateway.Extensions;
using StockPlatform.Gateway.Security;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();
builder.AddGatewayProtection();
builder.AddApiDocumentation();
builder.AddGatewayTelemetry();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseGatewayProtection();
app.MapDefaultEndpoints();
app.MapApiDocumentation();
app.MapVersionApi();
app.MapIngestApi();
app.MapJobsApi();
app.MapBarsApi();
app.MapTicksApi();
app.MapCorporateActionsApi();
app.MapSymbolsApi();
app.MapArchiveApi();
app.MapFeaturesApi();
app.MapAgentsApi();
app.MapLogsApi();
app.MapEventsApi();

app.Run();

/// <summary>Entry point, public so integration tests can host the gateway.</summary>
public partial class Program;
