using Bench.Harness.TargetFiles;

namespace Bench.Scenarios.Tests.TargetFiles.ServerSource;

/// <summary>
/// <c>source: server</c> in a target file: what it reads (sequence, timestamp and clock), what it refuses with one line
/// naming the field (exit 2), and which scenarios run against it.
/// </summary>
public sealed class ServerSourceFileTests : IDisposable
{
    private readonly string directory = Directory.CreateTempSubdirectory("bench-server-source-").FullName;

    public void Dispose() => Directory.Delete(directory, recursive: true);

    private string Write(string yaml)
    {
        var path = Path.Combine(directory, "feed.yaml");
        File.WriteAllText(path, yaml);
        return path;
    }

    private const string Feed = "transport: websocket\nsource: server\nsubscribe: { url: ws://127.0.0.1:1/ws/ticks }\nsequence: $.seq\n";

    [Fact]
    public void A_server_source_file_reads_its_sequence_timestamp_and_clock()
    {
        var file = TargetFile.Load(Write(Feed + "timestamp: { path: $.meta.ts, clock: iso8601 }\n"));

        Assert.NotNull(file.ServerSource);
        Assert.Equal("$.seq", file.ServerSource.Sequence.Text);
        Assert.Equal("$.meta.ts", file.ServerSource.Timestamp?.Text);
        Assert.Equal("iso8601", file.ServerSource.Clock?.Name);
        Assert.Equal(["127.0.0.1"], file.Hosts);
    }

    [Fact]
    public void A_file_without_source_is_one_Bench_publishes_to()
    {
        var file = TargetFile.Load(Write(
            "transport: websocket\npublish: { http: { url: http://127.0.0.1:1/p } }\nsubscribe: { url: ws://127.0.0.1:1/ws }\n"));

        Assert.Null(file.ServerSource);
    }

    public static TheoryData<string, string> Refused() => new()
    {
        { Feed + "publish: { http: { url: http://127.0.0.1:1/p } }\n", "publish: not with source: server" },
        { Feed + "envelope: { json: $.data }\n", "envelope: not with source: server" },
        { Feed + "rtt: { url: ws://127.0.0.1:1/echo }\n", "rtt: not with source: server" },
        { Feed.Replace("sequence: $.seq\n", "", StringComparison.Ordinal), "sequence: required with source: server" },
        { Feed.Replace("$.seq", "seq", StringComparison.Ordinal), "sequence: 'seq' is not a path" },
        {
            Feed + "timestamp: { path: $.ts, clock: unix-s }\n", "timestamp.clock: 'unix-s' is not one of unix-ms, unix-us, iso8601"
        },
        { Feed + "timestamp: { clock: unix-ms }\n", "timestamp.path: required" },
        { Feed.Replace("source: server", "source: client", StringComparison.Ordinal), "source: 'client' is not one of bench, server" },
        {
            "transport: signalr\nsource: server\nsubscribe: { url: http://127.0.0.1:1/hub, event: Tick }\nsequence: $.0.seq\n",
            "source: server is supported with transport websocket or sse, not signalr"
        },
        {
            "transport: websocket\npublish: { http: { url: http://127.0.0.1:1/p } }\n"
                + "subscribe: { url: ws://127.0.0.1:1/ws }\nsequence: $.n\n",
            "sequence: only with source: server"
        },
    };

    [Theory]
    [MemberData(nameof(Refused))]
    public void A_mistake_in_a_server_source_file_is_one_line_naming_the_field(string yaml, string message)
    {
        var path = Write(yaml);

        var e = Assert.Throws<TargetFileException>(() => TargetFile.Load(path));

        Assert.Equal($"{path}: {message}", e.Message[..Math.Min(e.Message.Length, path.Length + 2 + message.Length)]);
        Assert.DoesNotContain('\n', e.Message);
    }

    [Theory]
    [InlineData("rtt")]
    [InlineData("saturation")]
    [InlineData("faults/drop")]
    [InlineData("overhead")]
    [InlineData("connections")]
    public void Only_push_runs_against_a_system_that_publishes_on_its_own(string scenario)
    {
        var transport = new FileTransport(TargetFile.Load(Write(Feed)));

        Assert.Null(transport.Unsupported("push"));
        Assert.True(transport.PublishesItself);
        Assert.StartsWith("source: server: Bench only subscribes to this system", transport.Unsupported(scenario),
            StringComparison.Ordinal);
    }
}
