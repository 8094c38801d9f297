using Bench.Harness.Scenarios;
using Bench.Harness.Scenarios.Connections;
using Bench.Harness.Scenarios.Faults;
using Bench.Harness.Scenarios.Push;
using Bench.Harness.Scenarios.Rtt;
using Bench.Harness.Transports;

namespace Bench.Harness.TargetFiles;

/// <summary>
/// A transport whose target is a system Bench did not write, described by a target file (<c>--target FILE</c>). Its
/// name in the report is the file's <c>name</c>, so it sits beside Bench's reference transports or another file's.
/// </summary>
public sealed class FileTransport(TargetFile file) : ITransport, ISelfPublishingTarget
{
    public TargetFile File => file;

    public string Name => file.Name;

    public string Description => $"{file.Transport.Name} server described by {Path.GetFileName(file.Path)}";

    public string Guarantee => $"whatever the system behind {Path.GetFileName(file.Path)} provides: "
        + "Bench measures it from outside and does not know its guarantee";

    /// <summary>None: the target file names the user's server, which agents reach by its URL.</summary>
    public TargetLaunch? SharedTarget(SharedTargetSetup setup) => null;

    public bool SubscribersConnect => file.Transport.SubscribersConnect;

    public string SubscriberNoun => file.Transport.SubscriberNoun;

    public string WireCountedOn => file.Transport.WireCountedOn;

    public IReadOnlyList<string> DeliveryVariants => [Plan.VariantName.Default];

    public IReadOnlyList<string> FaultVariants => [Plan.VariantName.Default];

    public IReadOnlyList<string> DefaultFaultVariants(Fault fault) => [Plan.VariantName.Default];

    public string? Unsupported(string scenario) => scenario switch
    {
        _ when file.ServerSource is not null =>
            scenario == ServerSource.ServerSourceSpec.Scenario ? null : ServerSource.ServerSourceSpec.OnlyPush(scenario),
        "rtt" when file.Rtt is null => $"{Path.GetFileName(file.Path)} gives no rtt endpoint",
        "faults/restart" or "faults/storm" => "a system Bench did not start is not Bench's to restart",
        "overhead" when file.Subscribe.Url is { } url
            && (url.StartsWith("https", StringComparison.Ordinal) || url.StartsWith("wss", StringComparison.Ordinal)) =>
            "the wire meter counts plain connections; this file's subscribers connect with TLS of the system's own",
        _ => file.Transport.Unsupported(scenario),
    };

    public Task<IPushFanOut> StartPushAsync(ScenarioContext context, PushSetup setup, CancellationToken ct) =>
        file.Transport.StartPushAsync(context, file, setup, ct);

    public bool PublishesItself => file.ServerSource is not null;

    public Task<Bench.Reports.Model.ScenarioResult> RunSubscribedAsync(ScenarioContext context, CancellationToken ct) =>
        ServerSource.ServerSourcePush.RunAsync(context, file, Guarantee, ct);

    public async Task<IRttSession> StartRttAsync(ScenarioContext context, RttSetup setup, CancellationToken ct) =>
        await FileRtt.StartAsync(file, setup, ct).ConfigureAwait(false);

    public async Task<IFaultPath> StartFaultPathAsync(ScenarioContext context, FaultSetup setup, CancellationToken ct) =>
        await FileFaultPath.StartAsync(context, file, setup, ct).ConfigureAwait(false);

    public Task<IHeldSubscribers> StartHeldAsync(ScenarioContext context, HeldSetup setup, CancellationToken ct) =>
        Task.FromResult<IHeldSubscribers>(FileHeldSubscribers.Start(file, setup, context));

    public override string ToString() => Name;
}
