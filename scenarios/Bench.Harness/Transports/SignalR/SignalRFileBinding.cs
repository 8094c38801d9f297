using Bench.Harness.Clients;
using Bench.Harness.TargetFiles;

namespace Bench.Harness.Transports.SignalR;

/// <summary>
/// <c>transport: signalr</c> in a target file: a SignalR client of the hub at <c>subscribe.url</c> that invokes
/// <c>subscribe.method(args)</c> and reads <c>subscribe.event</c> (<see cref="FileSignalRSubscriber"/>).
/// </summary>
public sealed class SignalRFileBinding : StreamingFileBinding
{
    public override string Name => "signalr";

    public override string FaultBehaviour => "Bench's SignalR client reconnects with SignalR's automatic reconnect and subscribes again";

    public override SubscribeSpec Subscribe(SubscribeModel section, IReadOnlyDictionary<string, string> headers, TargetFileFields fields)
    {
        if (section.Event is null)
        {
            throw fields.Fail("subscribe.event",
                "required: the client method events arrive on (as in connection.On(\"ReceiveMessage\", …))");
        }

        var url = fields.Url("subscribe.url", section.Url, "http", "https");
        return new(url, headers, null, section.Method, section.Args ?? [], section.Event, null, null, null);
    }

    public override async Task<IStreamSubscriber> ConnectAsync(
        TargetFile file, TemplateValues values, string name, SubscriberOptions options, CancellationToken ct) =>
        await FileSignalRSubscriber.ConnectAsync(
            file.Subscribe, file.Hosts, values, file.Envelope, name, ct, options.ProcessingTime, options.Wire).ConfigureAwait(false);

    public override string SubscribeFields(SubscribeSpec spec) => "subscribe.url, subscribe.method, subscribe.args and subscribe.event";
}
