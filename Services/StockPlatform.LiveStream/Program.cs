using StockPlatform.LiveStream.Extensions;

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddLiveStream();

var app = builder.Build();

app.MapDefaultEndpoints();

app.Run();
