using Bench.Harness.Clients;
using Bench.Harness.Scenarios.Faults;
using Bench.Harness.Scenarios.Faults.Catalog;
using Bench.Harness.Targets;
using Bench.Targets.Faults;
using Microsoft.Extensions.Time.Testing;

namespace Bench.Scenarios.Tests.Faults;

/// <summary>
/// Each fault on its own, on fake time: what it asks of the path and its fault proxy, when, and what the subscribers act out.
/// </summary>
public sealed class FaultInjectionTests
{
    private static readonly string[] Streams = ["s0", "s1", "s2"];
    private static readonly Toxics Wan = new() { Latency = TimeSpan.FromMilliseconds(40) };
    private readonly FakeTimeProvider clock = new();
    private readonly RecordingPath path = new();

    private FaultInjection InjectionOf(Fault fault) => new(fault.Affected(Streams), Wan, clock);

    [Theory]
    [InlineData("drop", "reset_peer")]
    [InlineData("restart", "restart 00:00:02")]
    [InlineData("outage", "down 00:00:03")]
    [InlineData("storm", "storm 00:00:02")]
    public async Task A_fault_of_the_path_asks_it_once_at_its_start(string name, string call)
    {
        var fault = FaultCatalog.Find(name)!;

        await fault.InjectAsync(path, InjectionOf(fault), CancellationToken.None);

        Assert.Equal([call], path.Calls);
    }

    [Fact]
    public async Task A_blackhole_comes_on_top_of_the_baseline_for_5_s_and_then_the_baseline_is_back()
    {
        var fault = FaultCatalog.Find("blackhole")!;

        var injecting = fault.InjectAsync(path, InjectionOf(fault), CancellationToken.None);
        Assert.Equal([Wan with { Blackhole = true }], path.Toxics);
        clock.Advance(TimeSpan.FromSeconds(4.9));
        Assert.False(injecting.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(0.1));
        await injecting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal([Wan with { Blackhole = true }, Wan], path.Toxics);
        Assert.Empty(path.Calls);
    }

    [Fact]
    public async Task Slow_slows_only_the_first_subscriber_and_only_for_its_5_s()
    {
        var fault = FaultCatalog.Find("slow")!;
        var injection = InjectionOf(fault);
        TimeSpan[] Processing() => [.. Streams.Select(s => fault.ProcessingTime(injection, s))];
        var none = new[] { TimeSpan.Zero, TimeSpan.Zero, TimeSpan.Zero };
        Assert.Equal(none, Processing());

        var injecting = fault.InjectAsync(path, injection, CancellationToken.None);
        Assert.Equal([TimeSpan.FromMilliseconds(100), TimeSpan.Zero, TimeSpan.Zero], Processing());
        clock.Advance(TimeSpan.FromSeconds(5));
        await injecting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(none, Processing());
        Assert.Equal(["s0"], injection.Affected);
        Assert.False(fault.Overloads(injection));
        Assert.Empty(path.Calls);
    }

    [Fact]
    public async Task Overload_has_every_receiver_refuse_for_its_3_s_and_slows_none()
    {
        var fault = FaultCatalog.Find("overload")!;
        var injection = InjectionOf(fault);
        Assert.False(fault.Overloads(injection));

        var injecting = fault.InjectAsync(path, injection, CancellationToken.None);
        Assert.True(fault.Overloads(injection));
        Assert.All(Streams, s => Assert.Equal(TimeSpan.Zero, fault.ProcessingTime(injection, s)));
        clock.Advance(TimeSpan.FromSeconds(2.9));
        Assert.True(fault.Overloads(injection));
        clock.Advance(TimeSpan.FromSeconds(0.1));
        await injecting.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.False(fault.Overloads(injection));
        Assert.Equal(Streams, injection.Affected);
    }

    [Theory]
    [InlineData("drop")]
    [InlineData("restart")]
    [InlineData("outage")]
    [InlineData("blackhole")]
    [InlineData("storm")]
    public void A_fault_of_the_path_affects_every_subscriber_and_leaves_their_processing_alone(string name)
    {
        var fault = FaultCatalog.Find(name)!;
        var injection = InjectionOf(fault);

        Assert.Equal(Streams, injection.Affected);
        Assert.All(Streams, s => Assert.Equal(TimeSpan.Zero, fault.ProcessingTime(injection, s)));
        Assert.False(fault.Overloads(injection));
    }

    /// <summary>A path whose target and proxy only record what they are asked.</summary>
    private sealed class RecordingPath : IFaultPath, IFaultProxy
    {
        public List<string> Calls { get; } = [];

        public List<Toxics> Toxics { get; } = [];

        public ITargetHandle Target => throw new NotSupportedException();

        public IFaultProxy Proxy => this;

        public IEnumerable<long> Detections => [];

        public long ReconnectAttempts => 0;

        public string Behaviour => "records";

        public Task<IEventPublisher> ConnectPublisherAsync(Payloads payloads, CancellationToken ct) => throw new NotSupportedException();

        public Task RestartAsync(TimeSpan down, CancellationToken ct) => Record($"restart {down}");

        public Task StormAsync(TimeSpan down, CancellationToken ct) => Record($"storm {down}");

        public Task<PathCounters> CountersAsync(CancellationToken ct) => throw new NotSupportedException();

        public Task<(string Watched, long Value, long Attempts)> StormSampleAsync(CancellationToken ct) =>
            throw new NotSupportedException();

        public int PortFor(int subscriber) => throw new NotSupportedException();

        public Task SetToxicsAsync(Toxics toxics, CancellationToken ct)
        {
            Toxics.Add(toxics);
            return Task.CompletedTask;
        }

        public Task ResetPeersAsync(CancellationToken ct) => Record("reset_peer");

        public Task DownAsync(TimeSpan duration, CancellationToken ct) => Record($"down {duration}");

        public Task<FaultProxyCounts> CountsAsync(CancellationToken ct) => throw new NotSupportedException();

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;

        private Task Record(string call)
        {
            Calls.Add(call);
            return Task.CompletedTask;
        }
    }
}
