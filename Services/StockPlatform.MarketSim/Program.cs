using StockPlatform.MarketSim;

var app = MarketSimApp.Create(args);
app.Run();
