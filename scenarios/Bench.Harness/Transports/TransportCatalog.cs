using Bench.Harness.TargetFiles;
using Bench.Harness.Transports.Grpc;
using Bench.Harness.Transports.SignalR;
using Bench.Harness.Transports.Sse;
using Bench.Harness.Transports.Webhook;
using Bench.Harness.Transports.WebSocket;

namespace Bench.Harness.Transports;

/// <summary>Every transport Bench can measure, in the order reports show them. Adding one is a folder and a line here.</summary>
public static class TransportCatalog
{
    public static readonly ITransport WebSocket = new WebSocketTransport();
    public static readonly ITransport SignalR = new SignalRTransport();
    public static readonly ITransport Sse = new SseTransport();
    public static readonly ITransport Webhook = new WebhookTransport();
    public static readonly ITransport Grpc = new GrpcTransport();

    public static readonly IReadOnlyList<ITransport> All = [WebSocket, SignalR, Sse, Webhook, Grpc];

    /// <summary>
    /// What a run compares when no transport is named: the four the default comparison was sized for (its time). gRPC
    /// runs when named (<c>--transport grpc</c>) or with every transport (<c>--transport all</c>).
    /// </summary>
    public static readonly IReadOnlyList<ITransport> DefaultComparison = [WebSocket, SignalR, Sse, Webhook];

    /// <summary>The name that stands for every transport of the catalogue on the command line.</summary>
    public const string AllName = "all";

    /// <summary>
    /// What a target file's <c>transport</c> field can name: each transport's binding (in its folder), in the order the
    /// field's errors and docs/targets.md list them. A transport a target file cannot name has none.
    /// </summary>
    public static readonly IReadOnlyList<ITargetFileBinding> FileBindings =
        [new WebSocketFileBinding(), new SseFileBinding(), new SignalRFileBinding(), new WebhookFileBinding(), new GrpcFileBinding()];

    /// <summary>The transport ratios are shown against unless <c>--reference</c> names another.</summary>
    public static ITransport DefaultReference => WebSocket;

    public static ITransport? Find(string name) => All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The transports named, in catalogue order.</summary>
    public static IReadOnlyList<ITransport> Named(params string[] names) =>
        names.Contains(AllName, StringComparer.OrdinalIgnoreCase)
            ? All
            : [.. All.Where(t => names.Contains(t.Name, StringComparer.OrdinalIgnoreCase))];
}
