namespace Bench.Scenarios.Plan;

/// <summary>How events reach a subscriber.</summary>
public static class Transport
{
    public const string WebSocket = "websocket";
    public const string Webhook = "webhook";

    public static readonly IReadOnlyList<string> All = [WebSocket, Webhook];
}
