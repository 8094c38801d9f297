using Bench.Harness.Clients;
using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Push;
using Bench.Harness.Transports;

namespace Bench.Harness.TargetFiles;

/// <summary>
/// What a transport is in a target file (<c>transport: websocket</c>): how its <c>subscribe</c> section reads, how a
/// subscriber of the user's system is opened (or how Bench's receivers are), and what differs in the scenarios that
/// run against it. Each transport's folder holds its binding; <see cref="TransportCatalog.FileBindings"/> lists them.
/// The target-file code asks the binding and never names a transport.
/// </summary>
public interface ITargetFileBinding
{
    /// <summary>The value of the file's <c>transport</c> field (<c>websocket</c>).</summary>
    string Name { get; }

    /// <summary>
    /// Reads the file's <c>subscribe</c> section, its <c>subscribe.headers</c> already read; a field missing or wrong
    /// throws through <paramref name="fields"/>, naming it (<c>subscribe.url</c>).
    /// </summary>
    SubscribeSpec Subscribe(SubscribeModel section, IReadOnlyDictionary<string, string> headers, TargetFileFields fields);

    /// <summary>
    /// Whether a subscriber is a client Bench opens to the system (true) or an endpoint of Bench's the system calls
    /// (false: a webhook sender): the preflight then checks a delivery to Bench's receiver, not a subscriber's arrival.
    /// </summary>
    bool SubscribersConnect { get; }

    /// <summary>What a subscriber is, in charts and tables (<see cref="ITransport.SubscriberNoun"/>).</summary>
    string SubscriberNoun { get; }

    /// <summary>Where the overhead scenario counts bytes (<see cref="ITransport.WireCountedOn"/>).</summary>
    string WireCountedOn { get; }

    /// <summary>
    /// Why a scenario cannot run against a file of this transport, for reasons of the transport's own; null when it can.
    /// Reasons that hold for every file (no rtt endpoint, no restart) are <see cref="FileTransport"/>'s.
    /// </summary>
    string? Unsupported(string scenario);

    /// <summary>
    /// Connects one subscriber of <paramref name="file"/>'s system with the given options (envelope, processing time,
    /// wire) and whatever this transport's client adds to them. Not asked when <see cref="SubscribersConnect"/> is false.
    /// </summary>
    Task<IStreamSubscriber> ConnectAsync(
        TargetFile file, TemplateValues values, string name, SubscriberOptions options, CancellationToken ct);

    /// <summary>Connects (or registers) every subscriber of a push run against the file's system.</summary>
    Task<IPushFanOut> StartPushAsync(ScenarioContext context, TargetFile file, PushSetup setup, CancellationToken ct);

    /// <summary>
    /// Proves the file against its system before a run (<see cref="TargetPreflight"/>): one event published must arrive
    /// where the file says; each failure is a <see cref="TargetFileException"/> naming the field at fault.
    /// </summary>
    Task PreflightAsync(PreflightProbe probe, CancellationToken ct);

    /// <summary>The fields a preflight names when nothing arrived (<c>subscribe.url and subscribe.message</c>).</summary>
    string SubscribeFields(SubscribeSpec spec);

    /// <summary>
    /// How Bench's client of this transport behaves when the fault proxy cuts it, one sentence; null when faults are not measured.
    /// </summary>
    string? FaultBehaviour { get; }

    /// <summary>
    /// Whether idle subscribers ping at the connections scenario's keep-alive interval (others keep what the protocol keeps).
    /// </summary>
    bool PingsWhenIdle { get; }
}
