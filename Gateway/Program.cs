using StockPlatform.Gateway.Apis;
using StockPlatform.Gateway.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddGatewayServices();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.MapDefaultEndpoints();
app.MapVersionApi();
app.MapIngestApi();
app.MapJobsApi();
app.MapBarsApi();

app.Run();

/// <summary>Entry point, public so integration tests can host the gateway.</summary>
public partial class Program;
