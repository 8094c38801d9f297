using Bench.Engine.Load;
using Bench.Sdk;
using Bench.Targets.Hosting;
using CustomScenario;

// dotnet run --project examples/CustomScenario [-- USERS RATE SECONDS]
// Starts Bench's reference hub on loopback, runs the chat room against it, and writes Bench's report.
var users = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 20;
var rate = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 50;
var seconds = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10;

const string token = "chat-room-token";
await using var hub = await TargetHost.StartHubAsync(o => o.Token = token);
await using var room = new ChatRoom(new Uri("ws" + hub.Url["http".Length..]), token, users);

var chat = BenchScenario.CreatePush("chat-room", room.PostAsync, subscribers: users)
    .WithTarget("reference hub (websocket)")
    .WithInit(room.JoinAsync)
    .WithWarmUp(TimeSpan.FromSeconds(2))
    .WithLoadSimulations(Simulation.Inject(rate, TimeSpan.FromSeconds(seconds)));

var outcome = await BenchRunner.RegisterScenarios(chat).RunAsync();
var counts = outcome.Results.Results[0].Counts;
return counts.Lost == 0 && counts.Duplicated == 0 ? 0 : 1;
