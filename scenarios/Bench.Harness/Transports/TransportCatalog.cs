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

    public static readonly IReadOnlyList<ITransport> All = [WebSocket, SignalR, Sse, Webhook];

    /// <summary>The transport ratios are shown against unless <c>--reference</c> names another.</summary>
    public static ITransport DefaultReference => WebSocket;

    public static ITransport? Find(string name) => All.FirstOrDefault(t => string.Equals(t.Name, name, StringComparison.OrdinalIgnoreCase));

    /// <summary>The transports named, in catalogue order.</summary>
    public static IReadOnlyList<ITransport> Named(params string[] names) => [.. All.Where(t => names.Contains(t.Name, StringComparer.OrdinalIgnoreCase))];
}
