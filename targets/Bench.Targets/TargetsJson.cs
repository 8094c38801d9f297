using System.Text.Json.Serialization;
using Bench.Targets.Dispatcher;
using Bench.Targets.Hub;
using Bench.Targets.Receiver;

namespace Bench.Targets;

/// <summary>Source-generated JSON for the targets' control routes.</summary>
[JsonSourceGenerationOptions(System.Text.Json.JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(HubStats))]
[JsonSerializable(typeof(DispatcherStats))]
[JsonSerializable(typeof(ReceiverStats))]
[JsonSerializable(typeof(SubscriptionRequest))]
[JsonSerializable(typeof(EndpointRecord))]
[JsonSerializable(typeof(Hosting.MemoryStats))]
[JsonSerializable(typeof(Faults.FaultProxyCounts))]
[JsonSerializable(typeof(Dictionary<string, long>))]
[JsonSerializable(typeof(Dictionary<string, long[]>))]
public sealed partial class TargetsJson : JsonSerializerContext;
