using Bench.Harness.TargetFiles;
using Bench.Harness.Transports;
using Bench.Harness.Transports.Hub;

namespace Bench.Scenarios.Tests.TargetFiles;

/// <summary>
/// A target file's <c>transport</c> names a transport of the catalogue through its binding, which lives in that
/// transport's folder: every transport has one, and the field's errors list them all.
/// </summary>
public sealed class TargetFileBindingTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("bench-bindings-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private const string Publish = """
        publish:
          http:
            url: http://127.0.0.1:5080/publish
        """;

    /// <summary>The smallest valid <c>subscribe</c> section of each transport.</summary>
    private static readonly Dictionary<string, string> Subscribe = new()
    {
        ["websocket"] = "subscribe:\n  url: ws://127.0.0.1:5080/ws?topic={stream}\n",
        ["sse"] = "subscribe:\n  url: http://127.0.0.1:5080/sse?topic={stream}\n",
        ["signalr"] = "subscribe:\n  url: http://127.0.0.1:5080/hub\n  event: ReceiveMessage\n",
        ["webhook"] = "subscribe:\n  receiver: http://127.0.0.1:5090/hook\n  signing: none\n",
    };

    [Fact]
    public void Every_transport_of_the_catalogue_has_one_binding_of_its_name_in_its_own_folder()
    {
        Assert.Equal(TransportCatalog.All.Select(t => t.Name).Order(), TransportCatalog.FileBindings.Select(b => b.Name).Order());
        foreach (var transport in TransportCatalog.All)
        {
            var binding = Assert.Single(TransportCatalog.FileBindings, b => b.Name == transport.Name);
            Assert.Equal(transport.GetType().Namespace, binding.GetType().Namespace);
        }
    }

    public static TheoryData<string> Names => [.. TransportCatalog.FileBindings.Select(b => b.Name)];

    [Theory]
    [MemberData(nameof(Names))]
    public void A_file_naming_a_transport_loads_with_its_binding_whatever_the_case(string name)
    {
        var path = Write($"transport: {name.ToUpperInvariant()}\n{Publish}\n{Subscribe[name]}");

        var file = TargetFile.Load(path);

        Assert.Same(TransportCatalog.FileBindings.Single(b => b.Name == name), file.Transport);
        Assert.Equal($"{name} server described by target.yaml", new FileTransport(file).Description);
    }

    [Fact]
    public void An_unknown_or_missing_transport_is_refused_listing_every_binding()
    {
        var unknown = Assert.Throws<TargetFileException>(() => TargetFile.Load(Write($"transport: pigeon\n{Publish}\n{Subscribe["sse"]}")));
        var missing = Assert.Throws<TargetFileException>(() => TargetFile.Load(Write($"{Publish}\n{Subscribe["sse"]}")));

        var path = Path.Combine(directory, "target.yaml");
        Assert.Equal($"{path}: transport: 'pigeon' is not one of websocket, sse, signalr, webhook", unknown.Message);
        Assert.Equal($"{path}: transport: required; one of websocket, sse, signalr, webhook", missing.Message);
        Assert.Equal(["websocket", "sse", "signalr", "webhook"], TargetFile.Transports);
    }

    [Fact]
    public void The_binding_answers_what_differs_between_transports_in_a_run()
    {
        var webSocket = Load("websocket");
        var webhook = Load("webhook");
        var signalR = Load("signalr");

        Assert.Equal(
            ("connection", "subscriber client sockets", true),
            (webSocket.SubscriberNoun, webSocket.WireCountedOn, webSocket.SubscribersConnect));
        Assert.Equal(
            ("registered endpoint", "Bench's webhook receiver server sockets", false),
            (webhook.SubscriberNoun, webhook.WireCountedOn, webhook.SubscribersConnect));
        Assert.Equal(HubTransport.OverloadNotApplicable, signalR.Unsupported("faults/overload"));
        Assert.Null(webhook.Unsupported("faults/overload"));
        Assert.StartsWith("faults against a webhook target file are not measured", webhook.Unsupported("faults"), StringComparison.Ordinal);
        Assert.StartsWith("connections of a webhook target file", webhook.Unsupported("connections"), StringComparison.Ordinal);
        Assert.Null(signalR.Unsupported("connections"));
        Assert.Equal("a system Bench did not start is not Bench's to restart", webhook.Unsupported("faults/restart"));
        Assert.Equal(
            [
                "subscribe.url and subscribe.message",
                "subscribe.url",
                "subscribe.url, subscribe.method, subscribe.args and subscribe.event",
                "subscribe.receiver",
            ],
            TransportCatalog.FileBindings.Select(b => b.SubscribeFields(Load(b.Name).File.Subscribe)));
        Assert.Equal([true, false, false, false], TransportCatalog.FileBindings.Select(b => b.PingsWhenIdle));
        Assert.Null(webhook.File.Transport.FaultBehaviour);
    }

    private FileTransport Load(string name) => new(TargetFile.Load(Write($"transport: {name}\n{Publish}\n{Subscribe[name]}")));

    private string Write(string yaml)
    {
        var path = Path.Combine(directory, "target.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
