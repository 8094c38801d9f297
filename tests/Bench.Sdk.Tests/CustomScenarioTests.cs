using Bench.Engine.Load;
using Bench.Reports.Json;

namespace Bench.Sdk.Tests;

/// <summary>Small custom scenarios through the public API, in process, with exact counts.</summary>
public sealed class CustomScenarioTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("bench-sdk-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public async Task A_push_scenario_accounts_for_every_event_at_every_subscriber_a_loss_and_a_duplicate_included()
    {
        // 25 warm-up events (1–25), then 50 measured (26–75), each owed to 3 subscribers. Event 30 never reaches
        // subscriber 1; event 40 reaches subscriber 2 twice.
        var scenario = BenchScenario.CreatePush("room", step =>
            {
                for (var subscriber = 0; subscriber < 3; subscriber++)
                {
                    if (step.Number == 30 && subscriber == 1)
                    {
                        continue;
                    }

                    var arrival = step.Clock.GetTimestamp();
                    step.Push!.Delivered(subscriber, step.Number, arrival);
                    if (step.Number == 40 && subscriber == 2)
                    {
                        step.Push.Delivered(subscriber, step.Number, arrival);
                    }
                }

                return Task.CompletedTask;
            }, subscribers: 3)
            .WithWarmUp(TimeSpan.FromSeconds(0.5))
            .WithDrain(TimeSpan.FromMilliseconds(200))
            .WithLoadSimulations(Simulation.Inject(50, TimeSpan.FromSeconds(1)));

        var outcome = await BenchRunner.RegisterScenarios(scenario).WithReportFolder(dir).WithProgress(_ => { }).RunAsync();

        var counts = outcome.Results.Results.Single().Counts;
        Assert.Equal((50L, 149L, 1L, 1L, 0L), (counts.Sent, counts.Delivered, counts.Lost, counts.Duplicated, counts.Errors));
    }

    /// <summary>
    /// A custom push result comes from the harness's builder, as <c>bench run</c>'s do: the same warnings for the same
    /// figures (an event lost, the drain ended with it still owed), and the generator's CPU measured, not left at 0.
    /// </summary>
    [Fact]
    public async Task A_push_result_is_built_by_the_harness_builder_with_its_warnings_and_measured_generator_cpu()
    {
        var scenario = BenchScenario.CreatePush("room", step =>
            {
                if (step.Number != 30)
                {
                    step.Push!.Delivered(0, step.Number, step.Clock.GetTimestamp());
                }

                return Task.CompletedTask;
            }, subscribers: 1)
            .WithWarmUp(TimeSpan.FromSeconds(0.2))
            .WithDrain(TimeSpan.FromMilliseconds(100))
            .WithLoadSimulations(Simulation.Inject(50, TimeSpan.FromSeconds(1)));

        var outcome = await BenchRunner.RegisterScenarios(scenario).WithReportFolder(dir).WithProgress(_ => { }).RunAsync();

        var r = outcome.Results.Results.Single();
        Assert.Equal(1, r.Counts.Lost);
        Assert.Contains("events not delivered exactly once: 1 lost, 0 duplicated.", r.Warnings);
        Assert.Contains("the drain period ended before every published event had arrived at every subscriber.", r.Warnings);
        Assert.True(r.Generator.CpuPercent > 0, $"generator CPU {r.Generator.CpuPercent} %");
        Assert.False(r.Target.Measured);
    }

    [Fact]
    public async Task A_request_response_scenario_counts_named_failures_and_writes_a_results_file_bench_can_read()
    {
        var scenario = BenchScenario.Create("echo", step =>
            step.Number % 10 == 0 ? throw new StepFailedException("every_tenth") : Task.Delay(1, step.CancellationToken))
            .WithWarmUp(TimeSpan.FromSeconds(0.5))
            .WithLoadSimulations(Simulation.Inject(50, TimeSpan.FromSeconds(1)));

        var outcome = await BenchRunner.RegisterScenarios(scenario).WithReportFolder(dir).WithProgress(_ => { }).RunAsync();

        var read = ResultsJson.Read(Path.Combine(dir, "results.json"));
        var r = read.Results.Single();
        Assert.Equal((50L, 45L, 5L, 0L), (r.Counts.Sent, r.Counts.Delivered, r.Counts.Errors, r.Counts.Lost));
        Assert.Equal(5, r.ErrorsByKind["every_tenth"]);
        Assert.Equal(45, r.LatencyUs.Count);
        Assert.True(File.Exists(Path.Combine(outcome.Folder, "report.md")));
        Assert.True(File.Exists(Path.Combine(outcome.Folder, "report.html")));
    }

    [Fact]
    public async Task A_scenario_without_load_is_refused_before_anything_runs()
    {
        var scenario = BenchScenario.Create("nothing", _ => Task.CompletedTask).WithLoadSimulations();

        var e = await Assert.ThrowsAsync<ArgumentException>(() => BenchRunner.RegisterScenarios(scenario).WithReportFolder(dir).RunAsync());

        Assert.StartsWith("nothing:", e.Message, StringComparison.Ordinal);
    }
}
