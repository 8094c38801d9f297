// dotnet run --project examples/BroadcastServer -- http://127.0.0.1:5080
var url = args.Length > 0 ? args[0] : "http://127.0.0.1:5080";
var token = Environment.GetEnvironmentVariable("BROADCAST_TOKEN");
var delay = int.TryParse(Environment.GetEnvironmentVariable("BROADCAST_DELAY_US"), out var us) ? us : 0;
// Networks beyond loopback that webhooks may be registered in (10.231.0.0/24,192.0.2.0/28); none by default.
var networks = (Environment.GetEnvironmentVariable("BROADCAST_WEBHOOK_NETWORKS") ?? "")
    .Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)
    .Select(n => System.Net.IPNetwork.Parse(n))
    .ToList();
var app = BroadcastServer.BroadcastApp.Create(url, string.IsNullOrEmpty(token) ? null : token, delay, networks);
await app.StartAsync();
Console.WriteLine($"broadcast server listening on {string.Join(' ', app.Urls)}");
await app.WaitForShutdownAsync();
