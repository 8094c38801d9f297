using System.Net;
using System.Net.Sockets;
using System.Text;
using Bench.Harness.Distributed;

namespace Bench.Scenarios.Tests.Distributed;

/// <summary>
/// The coordinator protocol over real loopback sockets: hellos refused for a wrong token, a taken or impossible index
/// (and the coordinator still waiting for the right agents), lines and shards over their bounds refused before they are
/// allocated, and a dropped agent noticed at once.
/// </summary>
public sealed class CoordinatorTests
{
    private const string Token = "run-secret-0123456789";
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(20);

    [Fact]
    public async Task A_wrong_token_is_refused_and_the_right_agent_still_registers()
    {
        await using var coordinator = Coordinator.Listen(new IPEndPoint(IPAddress.Loopback, 0), 1, Token);

        using var intruder = await Peer.ConnectAsync(coordinator);
        await intruder.SendAsync("hello 0 " + Token[..^1] + "X");
        Assert.Equal("refused token: not this run's (BENCH_TOKEN)", await intruder.ReadLineAsync());
        Assert.Empty(coordinator.Connected());

        using var agent = await Peer.ConnectAsync(coordinator);
        await agent.SendAsync("hello 0 " + Token);
        var links = await coordinator.WaitForAgentsAsync(Patience, Task.Delay(Timeout.Infinite), CancellationToken.None);
        Assert.Equal([0], links.Select(l => l.Index));
    }

    [Fact]
    public async Task A_duplicate_index_and_an_index_beyond_the_agents_are_refused()
    {
        await using var coordinator = Coordinator.Listen(new IPEndPoint(IPAddress.Loopback, 0), 2, Token);
        using var first = await Peer.ConnectAsync(coordinator);
        await first.SendAsync("hello 0 " + Token);
        await WaitUntil(() => coordinator.Connected().Count == 1);

        using var second = await Peer.ConnectAsync(coordinator);
        await second.SendAsync("hello 0 " + Token);
        Assert.Equal("refused index: agent 0 is already connected", await second.ReadLineAsync());

        using var beyond = await Peer.ConnectAsync(coordinator);
        await beyond.SendAsync("hello 2 " + Token);
        Assert.Equal("refused index: 2 is not below the run's 2 agents", await beyond.ReadLineAsync());

        using var other = await Peer.ConnectAsync(coordinator);
        await other.SendAsync("hello 1 " + Token);
        var links = await coordinator.WaitForAgentsAsync(Patience, Task.Delay(Timeout.Infinite), CancellationToken.None);
        Assert.Equal([0, 1], links.Select(l => l.Index));
    }

    [Fact]
    public void A_hello_is_checked_token_first()
    {
        Assert.Equal((-1, "token: not this run's (BENCH_TOKEN)"), CoordinatorProtocol.CheckHello("hello 99 nope", 3, Token));
        Assert.Equal((-1, "expected 'hello INDEX TOKEN'"), CoordinatorProtocol.CheckHello("hello", 3, Token));
        Assert.Equal((-1, "expected 'hello INDEX TOKEN'"), CoordinatorProtocol.CheckHello(null, 3, Token));
        Assert.Equal((2, null), CoordinatorProtocol.CheckHello("hello 2 " + Token, 3, Token));
    }

    [Fact]
    public async Task An_endless_line_is_refused_once_past_the_bound_without_being_kept()
    {
        await using var stream = new ProtocolStream(new EndlessStream());

        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = await Assert.ThrowsAsync<InvalidDataException>(() => stream.ReadLineAsync(CancellationToken.None));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.Equal("a line longer than 4,096 bytes", e.Message);
        Assert.True(allocated < 256 * 1024, $"{allocated} bytes");
    }

    [Fact]
    public async Task A_shard_announced_over_the_bound_is_refused_before_it_is_allocated()
    {
        await using var stream = new ProtocolStream(new MemoryStream(Encoding.UTF8.GetBytes("shard 900000000000\n")));
        var line = await stream.ReadLineAsync(CancellationToken.None);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var e = await Assert.ThrowsAsync<InvalidDataException>(() =>
            stream.ReadDocumentAsync(line!, "shard", CoordinatorProtocol.MaxShardBytes, CancellationToken.None));
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.StartsWith("shard: 900,000,000,000 bytes announced; at most 67,108,864 are read", e.Message, StringComparison.Ordinal);
        Assert.True(allocated < 256 * 1024, $"{allocated} bytes");
    }

    [Fact]
    public async Task A_registered_agent_that_announces_a_huge_shard_or_sends_a_huge_line_is_cut_off_naming_why()
    {
        await using var coordinator = Coordinator.Listen(new IPEndPoint(IPAddress.Loopback, 0), 2, Token);
        using var big = await Peer.ConnectAsync(coordinator);
        await big.SendAsync("hello 0 " + Token);
        using var chatty = await Peer.ConnectAsync(coordinator);
        await chatty.SendAsync("hello 1 " + Token);
        var links = await coordinator.WaitForAgentsAsync(Patience, Task.Delay(Timeout.Infinite), CancellationToken.None);

        await big.SendAsync("shard 900000000000");
        await chatty.SendAsync(new string('x', 1024 * 1024));

        Assert.Equal("refused: shard: 900,000,000,000 bytes announced; at most 67,108,864 are read",
            await links[0].Closed.WaitAsync(Patience));
        Assert.Equal("refused: a line longer than 4,096 bytes", await links[1].Closed.WaitAsync(Patience));
        Assert.False(links[0].Shard.IsCompleted);
    }

    [Fact]
    public async Task A_dropped_agent_is_noticed_at_once_and_a_shard_is_answered_ok()
    {
        await using var coordinator = Coordinator.Listen(new IPEndPoint(IPAddress.Loopback, 0), 2, Token);
        var dropping = await Peer.ConnectAsync(coordinator);
        await dropping.SendAsync("hello 0 " + Token);
        using var sending = await Peer.ConnectAsync(coordinator);
        await sending.SendAsync("hello 1 " + Token);
        var links = await coordinator.WaitForAgentsAsync(Patience, Task.Delay(Timeout.Infinite), CancellationToken.None);

        await sending.SendAsync("ready");
        await sending.SendRawAsync("shard 7\n{\"a\":1}");
        Assert.Equal("{\"a\":1}", Encoding.UTF8.GetString(await links[1].Shard.WaitAsync(Patience)));
        Assert.Equal("ok", await sending.ReadLineAsync());
        await links[1].Ready.WaitAsync(Patience);

        dropping.Dispose();
        Assert.Equal("connection closed", await links[0].Closed.WaitAsync(TimeSpan.FromSeconds(5)));
    }

    [Fact]
    public async Task An_agent_refused_by_its_coordinator_exits_2_with_one_line_saying_why()
    {
        await using var coordinator = Coordinator.Listen(new IPEndPoint(IPAddress.Loopback, 0), 2, Token);
        var error = new StringWriter();

        var code = await new CoordinatedAgent("127.0.0.1", coordinator.Endpoint.Port, 1, "not-the-token")
            .RunAsync(Harness.Running.NullProgressSink.Instance, error, TimeProvider.System, CancellationToken.None)
            .WaitAsync(Patience);

        Assert.Equal(Harness.ExitCodes.Usage, code);
        Assert.Equal($"error: agent 1: the coordinator at 127.0.0.1:{coordinator.Endpoint.Port} refused it: token: not this run's "
            + "(BENCH_TOKEN)" + Environment.NewLine, error.ToString());
    }

    [Fact]
    public async Task An_agent_whose_coordinator_closes_the_connection_stops_at_once()
    {
        var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        try
        {
            var error = new StringWriter();
            var port = ((IPEndPoint)listener.LocalEndpoint).Port;
            var agent = new CoordinatedAgent("127.0.0.1", port, 0, Token)
                .RunAsync(Harness.Running.NullProgressSink.Instance, error, TimeProvider.System, CancellationToken.None);
            using (var peer = await listener.AcceptTcpClientAsync().WaitAsync(Patience))
            {
                using var reader = new StreamReader(peer.GetStream());
                Assert.Equal("hello 0 " + Token, await reader.ReadLineAsync().WaitAsync(Patience));
            }

            Assert.Equal(Harness.ExitCodes.RunFailed, await agent.WaitAsync(TimeSpan.FromSeconds(5)));
            Assert.Contains("closed the connection before sending an assignment", error.ToString(), StringComparison.Ordinal);
        }
        finally
        {
            listener.Stop();
        }
    }

    [Fact]
    public void An_assignment_naming_another_agent_or_a_target_file_agents_cannot_run_is_refused_naming_its_fields()
    {
        var assignment = new AgentAssignment
        {
            RunId = "r",
            Index = 1,
            Count = 2,
            Transport = "websocket",
            TargetUrl = "http://127.0.0.1:5000",
            HubToken = "t",
            Clock = "own",
            RatePerSec = 10,
            Subscribers = 4,
            ExpectedSubscribers = 4,
            PayloadBytes = 16,
            DurationMs = 1000,
            WarmupMs = 0,
            CostProbeMs = 0,
            ReadyTimeoutMs = 1000,
        };
        var agent = new CoordinatedAgent("127.0.0.1", 1, 1, Token);
        Assert.Empty(agent.Check(assignment));

        var problems = agent.Check(assignment with { Index = 0 });

        Assert.StartsWith("index/count: agent 0 of 2, and this is agent 1", Assert.Single(problems), StringComparison.Ordinal);
        var json = CoordinatorProtocol.Serialize(assignment with { TargetFile = new AssignedTargetFile("hub.yaml", "x"), Stream = "s" });
        Assert.Equal((new AssignedTargetFile("hub.yaml", "x"), "s"),
            (CoordinatorProtocol.Deserialize(json).TargetFile, CoordinatorProtocol.Deserialize(json).Stream));

        // A target file is checked as the agent loads it: its stream, its fields, and whether agents can share it.
        var broken = new List<string>();
        Assert.Null(AgentTargetFile.FromAssignment(new AssignedTargetFile("hub.yaml", "transport: websocket"), "s1", 2, broken));
        Assert.StartsWith("target_file: ", Assert.Single(broken), StringComparison.Ordinal);
        var noStream = new List<string>();
        Assert.Null(AgentTargetFile.FromAssignment(new AssignedTargetFile("hub.yaml", "transport: websocket"), "../x", 2, noStream));
        Assert.StartsWith("stream: '../x' is not a stream name", Assert.Single(noStream), StringComparison.Ordinal);
        var feed = new List<string>();
        var ticker = "name: ticker\ntransport: websocket\nsource: server\nsubscribe: { url: \"ws://127.0.0.1:1/t\" }\nsequence: $.seq\n";
        Assert.Null(AgentTargetFile.FromAssignment(new AssignedTargetFile("../../etc/ticker.yaml", ticker), "s1", 2, feed));
        Assert.Contains("target.yaml: source: server", Assert.Single(feed), StringComparison.Ordinal); // a name with a path is not used
    }

    private static async Task WaitUntil(Func<bool> condition)
    {
        var until = DateTime.UtcNow + Patience;
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < until, "the condition did not hold in time");
            await Task.Delay(20);
        }
    }

    /// <summary>A raw peer of the coordinator: lines out, lines in.</summary>
    private sealed class Peer : IDisposable
    {
        private readonly TcpClient client;
        private readonly StreamReader reader;

        private Peer(TcpClient client)
        {
            this.client = client;
            reader = new StreamReader(client.GetStream(), Encoding.UTF8);
        }

        public static async Task<Peer> ConnectAsync(Coordinator coordinator)
        {
            var client = new TcpClient();
            await client.ConnectAsync(coordinator.Endpoint);
            return new Peer(client);
        }

        public Task SendAsync(string line) => SendRawAsync(line + "\n");

        public async Task SendRawAsync(string text)
        {
            try
            {
                await client.GetStream().WriteAsync(Encoding.UTF8.GetBytes(text));
            }
            catch (IOException)
            {
                // The coordinator cut this peer off mid-write (a line over its bound): what the test checks.
            }
        }

        public Task<string?> ReadLineAsync() => reader.ReadLineAsync().WaitAsync(Patience);

        public void Dispose()
        {
            reader.Dispose();
            client.Dispose();
        }
    }

    /// <summary>Bytes without end and without a newline.</summary>
    private sealed class EndlessStream : Stream
    {
        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => 0; set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            buffer.AsSpan(offset, count).Fill((byte)'x');
            return count;
        }

        public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            buffer.Span.Fill((byte)'x');
            return ValueTask.FromResult(buffer.Length);
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
