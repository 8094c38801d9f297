// dotnet run --project examples/BroadcastServer -- http://127.0.0.1:5080
var url = args.Length > 0 ? args[0] : "http://127.0.0.1:5080";
var token = Environment.GetEnvironmentVariable("BROADCAST_TOKEN");
var delay = int.TryParse(Environment.GetEnvironmentVariable("BROADCAST_DELAY_US"), out var us) ? us : 0;
var app = BroadcastServer.BroadcastApp.Create(url, string.IsNullOrEmpty(token) ? null : token, delay);
await app.StartAsync();
Console.WriteLine($"broadcast server listening on {string.Join(' ', app.Urls)}");
await app.WaitForShutdownAsync();
