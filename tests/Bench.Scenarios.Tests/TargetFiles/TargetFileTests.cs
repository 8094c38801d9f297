using Bench.Harness.TargetFiles;
using Bench.Harness.TargetFiles.Publishers;

namespace Bench.Scenarios.Tests.TargetFiles;

/// <summary>Target files that are wrong: each is refused with one line naming the field at fault.</summary>
public sealed class TargetFileTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("bench-targets-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private const string Valid = """
        name: mine
        transport: websocket
        publish:
          http:
            url: http://127.0.0.1:5080/publish
            headers: { X-Kind: bench }
            body: '{"topic":"{stream}","data":{event}}'
        subscribe:
          url: ws://127.0.0.1:5080/ws?topic={stream}
        envelope:
          json: $.payload
        """;

    public static TheoryData<string, string, string> BadFiles => new()
    {
        { "transport: websocket\n", "publish", "required; one of http, websocket, signalr" },
        {
            Valid.Replace("transport: websocket", "transport: pigeon", StringComparison.Ordinal), "transport",
            "'pigeon' is not one of websocket, sse, signalr, webhook"
        },
        { Valid.Replace("transport: websocket\n", "", StringComparison.Ordinal), "transport", "required" },
        {
            Valid.Replace("ws://127.0.0.1:5080/ws", "http://127.0.0.1:5080/ws", StringComparison.Ordinal), "subscribe.url",
            "is not an absolute ws or wss URL"
        },
        {
            Valid.Replace("url: http://127.0.0.1:5080/publish", "url: not a url", StringComparison.Ordinal), "publish.http.url",
            "is not an absolute http or https URL"
        },
        { Valid.Replace("$.payload", "payload", StringComparison.Ordinal), "envelope.json", "is not a path such as $" },
        {
            Valid.Replace("X-Kind: bench", "Authorization: \"Bearer ${env:BENCH_TEST_UNSET_VARIABLE}\"", StringComparison.Ordinal),
            "publish.http.headers.Authorization", "environment variable BENCH_TEST_UNSET_VARIABLE is not set"
        },
        { Valid.Replace("name: mine", "name: no spaces please", StringComparison.Ordinal), "name", "letters, digits" },
        { Valid + "\nrtt: {}\n", "rtt", "give either url" },
        {
            Valid.Replace("transport: websocket", "transport: signalr", StringComparison.Ordinal)
                .Replace("ws://", "http://", StringComparison.Ordinal),
            "subscribe.event", "required"
        },
        { Valid.Replace("transport: websocket", "transport: webhook", StringComparison.Ordinal), "subscribe", "give either register" },
        { Valid.Replace("envelope:", "envelop:", StringComparison.Ordinal), "envelop", "not a field" },
        { Valid + "\nthresholds: ['push.p99 < 50']\n", "thresholds[0]", "threshold 'push.p99 < 50': p99 takes us, ms or s" },
        { Valid + "\nthresholds: ['push.lost == 0', 'pish.lost == 0']\n", "thresholds[1]", "unknown scenario 'pish'" },
        { Valid + "\nthresholds: ['']\n", "thresholds[0]", "empty" },
    };

    [Fact]
    public void A_files_thresholds_hold_its_own_cases_alone()
    {
        var path = Path.Combine(directory, "target.yaml");
        File.WriteAllText(path, Valid + "\nthresholds:\n  - push.p99 < 50ms\n  - push.lost == 0, abort-on-fail\n");

        var file = TargetFile.Load(path);

        Assert.Equal(["mine: push.p99 < 50ms", "mine: push.lost == 0, abort-on-fail"], file.Thresholds.Select(t => t.Text));
        Assert.All(file.Thresholds, t => Assert.Equal("mine", t.Transport));
        Assert.True(file.Thresholds[1].AbortOnFail);
    }

    [Theory]
    [MemberData(nameof(BadFiles))]
    public void A_bad_target_file_is_refused_naming_its_field(string yaml, string field, string problem)
    {
        var path = Path.Combine(directory, "target.yaml");
        File.WriteAllText(path, yaml);

        var e = Assert.Throws<TargetFileException>(() => TargetFile.Load(path));

        Assert.StartsWith(path + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(field + ": ", e.Message, StringComparison.Ordinal);
        Assert.Contains(problem, e.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Fact]
    public void A_valid_file_loads_with_its_secrets_read_from_the_environment_and_its_hosts_named()
    {
        Environment.SetEnvironmentVariable("BENCH_TEST_TOKEN", "s3cret");
        var path = Path.Combine(directory, "target.json");
        File.WriteAllText(path, """
            {"transport":"sse",
             "publish":{"http":{"url":"http://127.0.0.1:5080/publish","headers":{"Authorization":"Bearer ${env:BENCH_TEST_TOKEN}"}}},
             "subscribe":{"url":"http://[::1]:5081/events?topic={stream}"},"envelope":{"json":"$.payload"}}
            """);

        var file = TargetFile.Load(path);

        Assert.Equal(("target", "sse"), (file.Name, file.Transport.Name));
        var publish = Assert.IsType<HttpPublish>(file.Publish);
        Assert.Equal("Bearer s3cret", publish.Request.Headers["Authorization"]);
        Assert.Equal("{event}", publish.Request.Body);
        Assert.Equal(["127.0.0.1", "[::1]"], file.Hosts);
    }

    [Fact]
    public void Placeholders_fill_with_the_stream_and_the_envelope_as_an_object_or_a_string()
    {
        var values = new TemplateValues("s 1", "{\"id\":\"evt_1\"}");

        var filled = TemplateText.Fill("{\"t\":\"{stream}\",\"e\":{event},\"s\":{eventString}}", values);

        Assert.Equal("{\"t\":\"s 1\",\"e\":{\"id\":\"evt_1\"},\"s\":\"{\\\"id\\\":\\\"evt_1\\\"}\"}", filled);
        Assert.Equal("ws://h/ws?topic=s%201", TemplateText.FillUrl("ws://h/ws?topic={stream}", values));
    }

    [Theory]
    [InlineData("$", "{\"id\":\"evt_3\",\"stream\":\"x\",\"seq\":3,\"ts\":9,\"data\":\"d\"}")]
    [InlineData("$.payload", "{\"type\":\"message\",\"payload\":{\"id\":\"evt_3\",\"stream\":\"x\",\"seq\":3,\"ts\":9,\"data\":\"d\"}}")]
    [InlineData("$.a.b", """{"a":{"b":"{\"id\":\"evt_3\",\"stream\":\"x\",\"seq\":3,\"ts\":9,\"data\":\"d\"}"}}""")]
    [InlineData("$.1", """["bench","{\"id\":\"evt_3\",\"stream\":\"x\",\"seq\":3,\"ts\":9,\"data\":\"d\"}"]""")]
    public void The_envelope_is_found_at_its_path_as_an_object_or_a_string(string path, string message)
    {
        Assert.True(EnvelopePath.TryParse(path, out var envelope));

        var fields = envelope.Read(System.Text.Encoding.UTF8.GetBytes(message));

        Assert.Equal(("evt_3", "x", 3L, 9L), (fields.Id, fields.Stream, fields.Seq, fields.IntendedTimestamp));
    }

    [Fact]
    public void A_message_without_the_envelope_at_its_path_says_which_path()
    {
        Assert.True(EnvelopePath.TryParse("$.data", out var envelope));

        var e = Assert.Throws<FormatException>(() => envelope.Read("{\"payload\":{}}"u8));

        Assert.Equal("the message has no $.data", e.Message);
    }
}
