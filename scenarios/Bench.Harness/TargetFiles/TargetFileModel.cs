namespace Bench.Harness.TargetFiles;

/// <summary>
/// A target file as written (YAML or JSON): every field optional here, so that <see cref="TargetFile.Load"/> can name
/// the one that is missing or wrong. See docs/targets.md for what each means.
/// </summary>
public sealed class TargetFileModel
{
    public string? Name { get; set; }

    public string? Transport { get; set; }

    public PublishModel? Publish { get; set; }

    public SubscribeModel? Subscribe { get; set; }

    public EnvelopeModel? Envelope { get; set; }

    public RttModel? Rtt { get; set; }

    public ProcessModel? Process { get; set; }

    /// <summary><c>bench</c> (the default: Bench publishes each event) or <c>server</c> (the system emits on its own).</summary>
    public string? Source { get; set; }

    /// <summary>With <c>source: server</c>: where each message's sequence number is (<c>$.seq</c>).</summary>
    public string? Sequence { get; set; }

    /// <summary>With <c>source: server</c>: where each message's timestamp is, and its clock (optional).</summary>
    public TimestampModel? Timestamp { get; set; }

    /// <summary>Thresholds on this target's cases (<c>push.p99 &lt; 50ms</c>), as <c>--threshold</c> takes them.</summary>
    public List<string>? Thresholds { get; set; }
}

public sealed class HttpRequestModel
{
    public string? Method { get; set; }

    public string? Url { get; set; }

    public Dictionary<string, string>? Headers { get; set; }

    public string? Body { get; set; }
}

/// <summary>
/// How Bench makes the system publish: exactly one of <c>http</c>, <c>websocket</c>, <c>signalr</c>
/// (<see cref="Publishers.PublishKinds"/>); a webhook registration (<c>subscribe.register</c>) takes <c>http</c> only.
/// </summary>
public sealed class PublishModel
{
    public HttpRequestModel? Http { get; set; }

    [YamlDotNet.Serialization.YamlMember(Alias = "websocket")]
    public WebSocketPublishModel? WebSocket { get; set; }

    [YamlDotNet.Serialization.YamlMember(Alias = "signalr")]
    public SignalRPublishModel? SignalR { get; set; }
}

/// <summary><c>publish.websocket</c>: one kept connection; each event is one text message.</summary>
public sealed class WebSocketPublishModel
{
    public string? Url { get; set; }

    public Dictionary<string, string>? Headers { get; set; }

    /// <summary>The message sent per event, with placeholders. The default is <c>{event}</c>.</summary>
    public string? Message { get; set; }
}

/// <summary><c>publish.signalr</c>: one kept hub connection; each event is one invocation of a hub method.</summary>
public sealed class SignalRPublishModel
{
    public string? Url { get; set; }

    public Dictionary<string, string>? Headers { get; set; }

    public string? Method { get; set; }

    /// <summary>The method's arguments, each a string with placeholders. The default is <c>["{event}"]</c>.</summary>
    public List<string>? Args { get; set; }
}

public sealed class SubscribeModel
{
    /// <summary>WebSocket, SSE or SignalR hub URL.</summary>
    public string? Url { get; set; }

    public Dictionary<string, string>? Headers { get; set; }

    /// <summary>WebSocket: a message sent once after connecting (to subscribe).</summary>
    public string? Message { get; set; }

    /// <summary>SignalR: the hub method invoked after connecting.</summary>
    public string? Method { get; set; }

    /// <summary>SignalR: that method's arguments.</summary>
    public List<string>? Args { get; set; }

    /// <summary>SignalR: the client method events arrive on.</summary>
    public string? Event { get; set; }

    /// <summary>Webhook: the request (<c>http</c>) that registers Bench's receiver with the user's sender.</summary>
    public PublishModel? Register { get; set; }

    /// <summary>Webhook: the URL the sender is already configured to deliver to (Bench listens there; loopback only).</summary>
    public string? Receiver { get; set; }

    /// <summary>
    /// Webhook: the IP address of this machine Bench's receivers listen on and <c>{receiver}</c> names, for a sender on
    /// another machine, or <c>${env:NAME}</c> (each agent's own address, from its environment); the default is loopback
    /// (127.0.0.1).
    /// </summary>
    public string? Listen { get; set; }

    /// <summary>Webhook: <c>standard-webhooks</c> (verify with <see cref="Secret"/>) or <c>none</c>.</summary>
    public string? Signing { get; set; }

    /// <summary>Webhook: the signing secret (whsec_…), by reference: <c>${env:NAME}</c>.</summary>
    public string? Secret { get; set; }

    /// <summary>gRPC: the request message's fields by number (a string, or <c>int:N</c> / <c>bool:B</c> for a varint).</summary>
    public Dictionary<string, string>? Request { get; set; }

    /// <summary>gRPC: the number of the response message's field (string or bytes) that holds the event.</summary>
    public int? Field { get; set; }
}

/// <summary>Where Bench's values are in what arrives: its envelope whole (<c>json</c>), or its fields one by one.</summary>
public sealed class EnvelopeModel
{
    /// <summary>Where Bench's envelope is in what arrives: <c>$</c> (the whole message) or <c>$.a.b</c>.</summary>
    public string? Json { get; set; }

    /// <summary>Or where the system carries the event's id in a field of its own (<c>$.msgId</c>); optional.</summary>
    public string? Id { get; set; }

    /// <summary>Where it carries the event's seq (<c>$.n</c>).</summary>
    public string? Seq { get; set; }

    /// <summary>Where it carries the event's intended timestamp (<c>$.sentAt</c>).</summary>
    public string? Ts { get; set; }
}

public sealed class RttModel
{
    /// <summary>A WebSocket echo URL: each message sent is answered by one message.</summary>
    public string? Url { get; set; }

    /// <summary>Or an HTTP request whose answer ends the round trip.</summary>
    public HttpRequestModel? Http { get; set; }

    public Dictionary<string, string>? Headers { get; set; }
}

public sealed class ProcessModel
{
    /// <summary>A local process id: the target's CPU and memory are read from it.</summary>
    public int? Pid { get; set; }
}
