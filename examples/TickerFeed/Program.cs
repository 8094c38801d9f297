// dotnet run --project examples/TickerFeed -- http://127.0.0.1:5060
var url = args.Length > 0 ? args[0] : "http://127.0.0.1:5060";
var app = TickerFeed.TickerApp.Create(url);
await app.StartAsync();
Console.WriteLine($"ticker feed listening on {string.Join(' ', app.Urls)}");
await app.WaitForShutdownAsync();
