// dotnet run --project examples/SignalRChat -- http://127.0.0.1:5090
var url = args.Length > 0 ? args[0] : "http://127.0.0.1:5090";
var app = SignalRChat.ChatApp.Create(url);
await app.StartAsync();
Console.WriteLine($"chat server listening on {string.Join(' ', app.Urls)}");
await app.WaitForShutdownAsync();
