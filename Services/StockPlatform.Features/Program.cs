using StockPlatform.Features.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddFeatures();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
