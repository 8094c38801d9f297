using Bench.Engine.Load;
using Bench.Sdk;
using Bench.Targets.Hosting;
using CustomScenario;

// dotnet run --project examples/CustomScenario [-- USERS RATE SECONDS]
// Starts Bench's reference hub on loopback, runs the chat room against it, then Bench's own push over Server-Sent
// Events to as many subscribers at the same rate, and writes one report of both.
var users = args.Length > 0 ? int.Parse(args[0], System.Globalization.CultureInfo.InvariantCulture) : 20;
var rate = args.Length > 1 ? double.Parse(args[1], System.Globalization.CultureInfo.InvariantCulture) : 50;
var seconds = args.Length > 2 ? double.Parse(args[2], System.Globalization.CultureInfo.InvariantCulture) : 10;

const string token = "chat-room-token";
await using var hub = await TargetHost.StartHubAsync(o => o.Token = token);
await using var room = new ChatRoom(new Uri("ws" + hub.Url["http".Length..]), token, users);

// A scenario of its own: the chat room's client code is ChatRoom.cs.
var chat = BenchScenario.CreatePush("chat-room", room.PostAsync, subscribers: users)
    .WithTarget("chat-hub")
    .WithInit(room.JoinAsync)
    .WithWarmUp(TimeSpan.FromSeconds(2))
    .WithLoadSimulations(Simulation.Inject(rate, TimeSpan.FromSeconds(seconds)));

// A reference transport, no client to write: what 'bench run push --transport sse' measures, with this load.
var sse = BenchScenario.Push(transport: "sse", subscribers: users, rate: rate, duration: TimeSpan.FromSeconds(seconds))
    .WithWarmUp(TimeSpan.FromSeconds(2));

var outcome = await BenchRunner.RegisterScenarios(chat, sse).RunAsync();
return outcome.Results.Results.All(r => r.Counts.Lost == 0 && r.Counts.Duplicated == 0) ? 0 : 1;
