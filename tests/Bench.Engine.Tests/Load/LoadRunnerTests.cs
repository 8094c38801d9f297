using Bench.Engine.Load;
using Bench.Engine.Recording;
using Microsoft.Extensions.Time.Testing;

namespace Bench.Engine.Tests.Load;

public class LoadRunnerTests
{
    private readonly FakeTimeProvider clock = new(new DateTimeOffset(2026, 11, 27, 0, 0, 0, TimeSpan.Zero));

    private RunRecorder NewRecorder(TimeSpan warmup) => new(clock, clock.GetTimestamp(), warmup, 60);

    private LoadRunner NewRunner(
        IReadOnlyList<LoadSimulation> phases, int users = 1, int backlog = 100_000,
        Action<long>? beforeWait = null) => new(new LoadRunnerOptions
        {
            Simulations = phases,
            VirtualUsers = users,
            MaxBacklog = backlog,
            TimeProvider = clock,
            Pacer = new FakeClockPacer(clock) { BeforeWait = beforeWait },
            Dispatch = work => work(),
        });

    [Fact]
    public async Task Iterations_start_at_their_intended_times_and_reach_the_offered_rate()
    {
        var start = clock.GetTimestamp();
        var recorder = NewRecorder(TimeSpan.FromSeconds(1));
        var seen = new List<(long Intended, long Actual)>();
        var runner = NewRunner([Simulation.Inject(100, TimeSpan.FromSeconds(1)), Simulation.Inject(100, TimeSpan.FromSeconds(2))]);

        var result = await runner.RunAsync((it, _) =>
        {
            seen.Add((it.IntendedTimestamp, clock.GetTimestamp()));
            return ValueTask.CompletedTask;
        }, recorder, CancellationToken.None);

        Assert.Equal(300, result.Scheduled);
        Assert.Equal(300, result.Succeeded);
        Assert.Equal(0, result.Dropped);
        Assert.Equal(200, recorder.Sent);
        Assert.Equal(200, recorder.Delivered);
        var tick = clock.TimestampFrequency / 100;
        Assert.Equal(Enumerable.Range(0, 300).Select(k => start + (k * tick)), seen.Select(s => s.Intended));
        Assert.All(seen, s => Assert.Equal(s.Intended, s.Actual));
        Assert.Equal(200, recorder.Timeline.Snapshot().Where(p => p.Second >= 1).Sum(p => p.Sent));
    }

    [Fact]
    public async Task A_stalled_response_shows_in_p99_because_latency_runs_from_the_intended_time()
    {
        var recorder = NewRecorder(TimeSpan.Zero);
        var runner = NewRunner([Simulation.Inject(100, TimeSpan.FromSeconds(10))]);

        // Iteration 500 takes one second; every other answers at once.
        await runner.RunAsync((it, _) =>
        {
            if (it.Number == 500)
            {
                clock.Advance(TimeSpan.FromSeconds(1));
            }

            return ValueTask.CompletedTask;
        }, recorder, CancellationToken.None);

        var latency = recorder.LatencySnapshot();
        Assert.Equal(1000, latency.TotalCount);
        Assert.True(latency.GetValueAtPercentile(50) <= 1, "the median request was not delayed");

        // The 100 requests due during the stall waited for it (0 to 1 s): p95 is half a second and p99 most of one, not zero.
        Assert.InRange(latency.GetValueAtPercentile(99), 900_000, 1_001_000);
        Assert.InRange(latency.GetValueAtPercentile(95), 450_000, 550_000);
    }

    [Fact]
    public async Task Iterations_beyond_the_backlog_are_dropped_and_counted()
    {
        var recorder = NewRecorder(TimeSpan.Zero);
        var stalled = new TaskCompletionSource();
        var oneSecond = clock.GetTimestamp() + clock.TimestampFrequency;
        var runner = NewRunner([Simulation.Inject(100, TimeSpan.FromSeconds(2))], users: 1, backlog: 5, beforeWait: ts =>
        {
            if (ts >= oneSecond)
            {
                stalled.TrySetResult();
            }
        });

        // The first iteration holds the only virtual user for a second: 99 arrive meanwhile, 5 wait, 94 are dropped.
        var result = await runner.RunAsync(async (it, _) =>
        {
            if (it.Number == 1)
            {
                await stalled.Task;
            }
        }, recorder, CancellationToken.None);

        Assert.Equal(200, result.Scheduled);
        Assert.Equal(94, result.Dropped);
        Assert.Equal(106, result.Succeeded);
    }

    [Fact]
    public async Task Failures_are_counted_by_kind_and_never_as_deliveries()
    {
        var recorder = NewRecorder(TimeSpan.Zero);
        var runner = NewRunner([Simulation.Inject(10, TimeSpan.FromSeconds(1))]);

        var result = await runner.RunAsync((it, _) => it.Number % 2 == 0
            ? throw new IterationFailedException("http_503")
            : ValueTask.CompletedTask, recorder, CancellationToken.None);

        Assert.Equal(5, result.Failed);
        Assert.Equal(5, recorder.Delivered);
        Assert.Equal(5, recorder.Errors);
        Assert.Equal(5, recorder.ErrorsByKind.Snapshot()["http_503"]);
    }

    [Fact]
    public async Task Keep_constant_runs_each_copy_back_to_back_for_the_duration()
    {
        var recorder = NewRecorder(TimeSpan.Zero);
        var runner = NewRunner([Simulation.KeepConstant(1, TimeSpan.FromSeconds(1))]);

        var result = await runner.RunAsync((_, _) =>
        {
            clock.Advance(TimeSpan.FromMilliseconds(10));
            return ValueTask.CompletedTask;
        }, recorder, CancellationToken.None);

        Assert.Equal(100, result.Succeeded);
        Assert.InRange(recorder.LatencySnapshot().GetValueAtPercentile(50), 9_990, 10_010);
    }

    [Fact]
    public async Task Cancellation_stops_scheduling_and_is_reported()
    {
        var recorder = NewRecorder(TimeSpan.Zero);
        using var cts = new CancellationTokenSource();
        var runner = NewRunner([Simulation.Inject(100, TimeSpan.FromSeconds(10))]);

        var result = await runner.RunAsync((it, _) =>
        {
            if (it.Number == 50)
            {
                cts.Cancel();
            }

            return ValueTask.CompletedTask;
        }, recorder, cts.Token);

        Assert.True(result.Cancelled);
        Assert.Equal(50, result.Scheduled);
    }
}
