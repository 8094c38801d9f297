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
        ["grpc"] = "subscribe:\n  url: http://127.0.0.1:5071\n  method: /feed.v1.Feed/Watch\n  request: { 1: \"{stream}\" }\n  field: 3\n",
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
        Assert.Equal($"{path}: transport: 'pigeon' is not one of websocket, sse, signalr, webhook, grpc", unknown.Message);
        Assert.Equal($"{path}: transport: required; one of websocket, sse, signalr, webhook, grpc", missing.Message);
        Assert.Equal(["websocket", "sse", "signalr", "webhook", "grpc"], TargetFile.Transports);
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
                "subscribe.url, subscribe.method, subscribe.request and subscribe.field",
            ],
            TransportCatalog.FileBindings.Select(b => b.SubscribeFields(Load(b.Name).File.Subscribe)));
        Assert.Equal([true, false, false, false, false], TransportCatalog.FileBindings.Select(b => b.PingsWhenIdle));
        Assert.Null(webhook.File.Transport.FaultBehaviour);
    }

    [Theory]
    [InlineData("  method: /feed.v1.Feed/Watch\n  field: 3\n", "subscribe.url: required")]
    [InlineData("  url: http://127.0.0.1:5071\n  field: 3\n", "subscribe.method: required")]
    [InlineData("  url: http://127.0.0.1:5071\n  method: Watch\n  field: 3\n", "subscribe.method: required")]
    [InlineData("  url: http://127.0.0.1:5071\n  method: /feed.v1.Feed/Watch\n", "subscribe.field: required")]
    [InlineData("  url: http://127.0.0.1:5071\n  method: /f.F/W\n  field: 3\n  request: { t: x }\n", "subscribe.request.t: a field")]
    [InlineData("  url: http://127.0.0.1:5071\n  method: /f.F/W\n  field: 3\n  request: { 2: 'int:x' }\n", "subscribe.request.2: 'int:x'")]
    [InlineData("  url: ws://127.0.0.1:5071\n  method: /feed.v1.Feed/Watch\n  field: 3\n", "subscribe.url: 'ws://127.0.0.1:5071' is not")]
    public void A_grpc_subscribe_section_s_errors_name_their_field(string section, string error)
    {
        var e = Assert.Throws<TargetFileException>(() => TargetFile.Load(Write($"transport: grpc\n{Publish}\nsubscribe:\n{section}")));

        Assert.StartsWith($"{Path.Combine(directory, "target.yaml")}: {error}", e.Message, StringComparison.Ordinal);
    }

    private const string Register = "  register: { http: { url: http://127.0.0.1:5080/webhooks, body: '{\"url\":\"{receiver}\"}' } }\n";

    [Theory]
    [InlineData("transport: webhook", Register + "  listen: 10.0.0\n  signing: none\n",
        "subscribe.listen: '10.0.0' is not an IP address")]
    [InlineData("transport: webhook", Register + "  listen: 0.0.0.0\n  signing: none\n", "subscribe.listen: 0.0.0.0 is no address")]
    [InlineData("transport: webhook", Register + "  listen: 192.0.2.10\n  signing: none\n",
        "subscribe.signing: none is refused when subscribe.listen is beyond loopback")]
    [InlineData("transport: webhook", "  receiver: http://127.0.0.1:5090/hook\n  listen: 127.0.0.1\n  signing: none\n",
        "subscribe.listen: not with subscribe.receiver")]
    [InlineData("transport: websocket", "  url: ws://127.0.0.1:5080/ws\n  listen: 127.0.0.1\n", "subscribe.listen: webhooks only")]
    public void A_receiver_listen_address_s_errors_name_their_field(string transport, string section, string error)
    {
        var e = Assert.Throws<TargetFileException>(() => TargetFile.Load(Write($"{transport}\n{Publish}\nsubscribe:\n{section}")));

        Assert.StartsWith($"{Path.Combine(directory, "target.yaml")}: {error}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_receiver_listen_address_beyond_loopback_loads_with_signatures_verified()
    {
        Environment.SetEnvironmentVariable("BENCH_TEST_LISTEN_SECRET", Bench.Targets.Webhooks.WebhookSignature.NewSecret());

        var file = TargetFile.Load(Write(
            $"transport: webhook\n{Publish}\nsubscribe:\n{Register}  listen: 192.0.2.10\n  secret: ${{env:BENCH_TEST_LISTEN_SECRET}}\n"));

        Assert.Equal("192.0.2.10", file.Subscribe.Listen);
        Assert.NotNull(file.Subscribe.Secret);
        Assert.Equal(["127.0.0.1"], file.Hosts);
    }

    [Fact]
    public void A_receiver_listen_address_is_read_from_the_environment_and_is_not_masked_as_a_secret()
    {
        Environment.SetEnvironmentVariable("BENCH_TEST_LISTEN_SECRET", Bench.Targets.Webhooks.WebhookSignature.NewSecret());
        Environment.SetEnvironmentVariable("BENCH_TEST_LISTEN_ADDRESS", "192.0.2.17");

        var file = TargetFile.Load(Write($"transport: webhook\n{Publish}\nsubscribe:\n{Register}" +
            "  listen: ${env:BENCH_TEST_LISTEN_ADDRESS}\n  secret: ${env:BENCH_TEST_LISTEN_SECRET}\n"));

        // Each agent reads its own address; an address is no secret, so messages and reports may show it.
        Assert.Equal("192.0.2.17", file.Subscribe.Listen);
        Assert.Equal("${env:BENCH_TEST_LISTEN_ADDRESS}", file.Subscribe.ListenReference);
        Assert.DoesNotContain("192.0.2.17", file.SecretValues);
        Assert.Contains(file.Subscribe.Secret!, file.SecretValues);
    }

    [Theory]
    [InlineData("BENCH_TEST_LISTEN_UNSET", null, "subscribe.listen: environment variable BENCH_TEST_LISTEN_UNSET is not set")]
    [InlineData("BENCH_TEST_LISTEN_BAD", "pod-ip", "subscribe.listen: 'pod-ip' (from ${env:BENCH_TEST_LISTEN_BAD}) is not an IP address")]
    [InlineData("BENCH_TEST_LISTEN_ANY", "0.0.0.0", "subscribe.listen: 0.0.0.0 (from ${env:BENCH_TEST_LISTEN_ANY}) is no address")]
    [InlineData("BENCH_TEST_LISTEN_OPEN", "192.0.2.18", "subscribe.signing: none is refused when subscribe.listen is beyond loopback")]
    public void A_receiver_listen_address_from_the_environment_is_checked_as_a_written_one(string name, string? value, string error)
    {
        Environment.SetEnvironmentVariable(name, value);

        var e = Assert.Throws<TargetFileException>(() => TargetFile.Load(Write(
            $"transport: webhook\n{Publish}\nsubscribe:\n{Register}  listen: ${{env:{name}}}\n  signing: none\n")));

        Assert.StartsWith($"{Path.Combine(directory, "target.yaml")}: {error}", e.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_grpc_request_is_written_in_protobuf_s_wire_format_and_a_response_s_field_read_back()
    {
        // Field 1 "ab" (tag 0x0A, length 2), field 2 varint 150 (tag 0x10, 0x96 0x01), field 3 true (tag 0x18, 1).
        var message = Bench.Harness.Transports.Grpc.ProtobufWire.Write([new(1, "ab"), new(2, "int:150"), new(3, "bool:true")]);

        Assert.Equal([0x0A, 2, (byte)'a', (byte)'b', 0x10, 0x96, 0x01, 0x18, 1], message);
        Assert.True(Bench.Harness.Transports.Grpc.ProtobufWire.TryReadField(message, 1, out var value));
        Assert.Equal("ab"u8.ToArray(), value.ToArray());
        Assert.False(Bench.Harness.Transports.Grpc.ProtobufWire.TryReadField(message, 4, out _));
        Assert.Throws<FormatException>(() => Bench.Harness.Transports.Grpc.ProtobufWire.TryReadField([0x0A, 5, 1], 1, out _));
    }

    private FileTransport Load(string name) => new(TargetFile.Load(Write($"transport: {name}\n{Publish}\n{Subscribe[name]}")));

    private string Write(string yaml)
    {
        var path = Path.Combine(directory, "target.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }
}
