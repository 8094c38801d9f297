using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Push;
using Bench.Harness.Transports;
using Bench.Harness.Transports.Hub;

namespace Bench.Harness.TargetFiles;

/// <summary>
/// The binding of a transport whose subscribers hold a connection to the user's system (WebSocket, SSE, SignalR):
/// one client per subscriber, all on one shared stream (<see cref="FilePushFanOut"/>). A transport supplies how its
/// <c>subscribe</c> section reads and how its client connects.
/// </summary>
public abstract class StreamingFileBinding : ITargetFileBinding
{
    public abstract string Name { get; }

    public bool SubscribersConnect => true;

    public string SubscriberNoun => "connection";

    public string WireCountedOn => "subscriber client sockets";

    public abstract string FaultBehaviour { get; }

    public virtual bool PingsWhenIdle => false;

    public abstract SubscribeSpec Subscribe(SubscribeModel section, IReadOnlyDictionary<string, string> headers, TargetFileFields fields);

    public abstract Task<IStreamSubscriber> ConnectAsync(
        TargetFile file, TemplateValues values, string name, SubscriberOptions options, CancellationToken ct);

    public abstract string SubscribeFields(SubscribeSpec spec);

    public string? Unsupported(string scenario) => scenario == "faults/overload" ? HubTransport.OverloadNotApplicable : null;

    /// <summary>A subscriber connects and one event must reach it; then the rtt endpoint, if the file gives one.</summary>
    public Task PreflightAsync(PreflightProbe probe, CancellationToken ct) => TargetPreflight.CheckSubscriberAsync(probe, ct);

    public async Task<IPushFanOut> StartPushAsync(ScenarioContext context, TargetFile file, PushSetup setup, CancellationToken ct) =>
        await FilePushFanOut.StartAsync(context, file, setup, ct).ConfigureAwait(false);
}
