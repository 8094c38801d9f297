using Bench.Harness.TargetFiles;
using Bench.Harness.TargetFiles.Publishers;

namespace Bench.Scenarios.Tests.TargetFiles;

/// <summary>
/// A target file's <c>publish</c> names exactly one kind of the catalogue (http, websocket, signalr), and an
/// <c>envelope</c> either finds Bench's envelope whole or maps its values to the system's own fields; each mistake is
/// one line naming the field.
/// </summary>
public sealed class PublishKindTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("bench-publish-kinds-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private const string Subscribe = "subscribe: { url: \"ws://127.0.0.1:5080/ws?topic={stream}\" }\n";

    private string Write(string publish, string envelope = "")
    {
        var path = Path.Combine(directory, "target.yaml");
        File.WriteAllText(path, $"transport: websocket\n{publish}\n{Subscribe}{envelope}");
        return path;
    }

    [Fact]
    public void The_catalogue_lists_each_kind_once_with_http_first()
    {
        Assert.Equal(["http", "websocket", "signalr"], PublishKinds.All.Select(k => k.Name));
    }

    [Fact]
    public void A_websocket_publish_reads_its_url_headers_and_message_with_the_envelope_as_the_default_message()
    {
        var file = TargetFile.Load(Write("publish: { websocket: { url: \"ws://127.0.0.1:5080/publisher\", headers: { X-Kind: bench } } }"));

        var publish = Assert.IsType<WebSocketPublish>(file.Publish);
        Assert.Equal(("publish.websocket", "ws://127.0.0.1:5080/publisher", "{event}"), (publish.Field, publish.Url, publish.Message));
        Assert.Equal("bench", publish.Headers["x-kind"]);
    }

    [Fact]
    public void A_signalr_publish_reads_its_hub_method_and_arguments()
    {
        var file = TargetFile.Load(Write("publish:\n  signalr:\n    url: http://127.0.0.1:5090/chat\n    method: SendMessage\n"
            + "    args: [\"{stream}\", bench, \"{event}\"]"));

        var publish = Assert.IsType<SignalRPublish>(file.Publish);
        Assert.Equal(("publish.signalr", "http://127.0.0.1:5090/chat", "SendMessage"), (publish.Field, publish.Url, publish.Method));
        Assert.Equal(["{stream}", "bench", "{event}"], publish.Args);
    }

    public static TheoryData<string, string, string> BadPublishes => new()
    {
        { "publish: {}", "publish", "required; one of http, websocket, signalr" },
        {
            "publish: { http: { url: \"http://h/p\" }, signalr: { url: \"http://h/hub\", method: M } }",
            "publish", "give one of http, websocket, signalr, not http and signalr"
        },
        { "publish: { websocket: { url: \"http://h/publisher\" } }", "publish.websocket.url", "is not an absolute ws or wss URL" },
        { "publish: { websocket: { message: \"{event}\" } }", "publish.websocket.url", "required" },
        { "publish: { websocket: { url: \"ws://h/p\", messag: x } }", "messag", "not a field of this section" },
        { "publish: { signalr: { url: \"http://h/hub\" } }", "publish.signalr.method", "required: the hub method" },
        { "publish: { signalr: { url: \"ws://h/hub\", method: M } }", "publish.signalr.url", "is not an absolute http or https URL" },
        {
            "publish: { signalr: { url: \"http://h/hub\", method: M, args: [\"${env:BENCH_TEST_UNSET_VARIABLE}\"] } }",
            "publish.signalr.args[0]", "environment variable BENCH_TEST_UNSET_VARIABLE is not set"
        },
    };

    [Theory]
    [MemberData(nameof(BadPublishes))]
    public void A_bad_publish_section_is_refused_naming_its_field(string publish, string field, string problem)
    {
        var path = Write(publish);

        var e = Assert.Throws<TargetFileException>(() => TargetFile.Load(path));

        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(field + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    private const string Http = "publish: { http: { url: \"http://127.0.0.1:5080/notifications\" } }";

    public static TheoryData<string, string, string> BadEnvelopes => new()
    {
        { "envelope: { json: $.a, seq: $.n, ts: $.t }", "envelope", "give either json" },
        { "envelope: { ts: $.t }", "envelope.seq", "required" },
        { "envelope: { id: $.id, seq: $.n }", "envelope.ts", "required" },
        { "envelope: { seq: n, ts: $.t }", "envelope.seq", "'n' is not a path" },
        { "envelope: { seq: $.n, ts: $.t, id: \"$.\" }", "envelope.id", "'$.' is not a path" },
    };

    [Theory]
    [MemberData(nameof(BadEnvelopes))]
    public void A_bad_envelope_mapping_is_refused_naming_its_field(string envelope, string field, string problem)
    {
        var path = Write(Http, envelope);

        var e = Assert.Throws<TargetFileException>(() => TargetFile.Load(path));

        Assert.Contains($"{path}: {field}: {problem}", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"notification\":{\"msgId\":\"evt_7\",\"n\":7,\"sentAt\":99}}", "id: $.notification.msgId, ")]
    [InlineData("{\"notification\":{\"msgId\":7,\"n\":\"7\",\"sentAt\":\"99\"}}", "id: $.notification.msgId, ")]
    [InlineData("{\"notification\":{\"n\":7,\"sentAt\":99}}", "")]
    public void A_mapping_reads_Bench_s_values_from_the_system_s_own_fields(string message, string id)
    {
        var file = TargetFile.Load(Write(Http, $"envelope: {{ {id}seq: $.notification.n, ts: $.notification.sentAt }}"));

        var fields = file.Envelope.Read(System.Text.Encoding.UTF8.GetBytes(message));

        Assert.Equal(("evt_7", 7L, 99L), (fields.Id, fields.Seq, fields.IntendedTimestamp));
        Assert.Equal("envelope", file.Envelope.Field);
    }

    [Theory]
    [InlineData("{\"notification\":{\"sentAt\":99}}", "envelope.seq", "a message arrived, but the message has no $.notification.n")]
    [InlineData("{\"notification\":{\"n\":7,\"sentAt\":{}}}", "envelope.ts", "a message arrived, but $.notification.sentAt is an object")]
    [InlineData("not json", "envelope", "a message arrived, but the message is not JSON")]
    public void A_message_without_a_mapped_value_names_the_mapping_s_field(string message, string field, string problem)
    {
        var file = TargetFile.Load(Write(Http, "envelope: { seq: $.notification.n, ts: $.notification.sentAt }"));

        var why = Assert.Throws<FormatException>(() => file.Envelope.Read(System.Text.Encoding.UTF8.GetBytes(message))).Message;

        var (named, said) = file.Envelope.Unreadable(why);
        Assert.Equal(field, named);
        Assert.StartsWith(problem, said, StringComparison.Ordinal);
    }

    [Fact]
    public void A_publish_fills_the_envelope_s_values_one_by_one_for_a_system_with_fields_of_its_own()
    {
        var values = TemplateValues.ForEvent("s", 7, 99, "d"u8.ToArray());

        var body = TemplateText.Fill("{\"msgId\":\"{id}\",\"n\":{seq},\"sentAt\":{ts},\"e\":{event}}", values);

        Assert.Equal(
            "{\"msgId\":\"evt_7\",\"n\":7,\"sentAt\":99,\"e\":{\"id\":\"evt_7\",\"stream\":\"s\",\"seq\":7,\"ts\":99,\"data\":\"d\"}}",
            body);
    }
}
