using System.Text.Json;
using Bench.Engine.Load;
using Bench.Reports.Json;
using Bench.Reports.Model;

namespace Bench.Sdk.Tests;

/// <summary>
/// Small custom scenarios through the public API, in process, with exact counts; and Bench's own push over a reference
/// transport, whose target runs as <c>bench serve</c> on loopback.
/// </summary>
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
        var scenario = RoomMissingEvent30();

        var outcome = await BenchRunner.RegisterScenarios(scenario).WithReportFolder(dir).WithProgress(_ => { }).RunAsync();

        var r = outcome.Results.Results.Single();
        Assert.Equal(1, r.Counts.Lost);
        Assert.Contains("events not delivered exactly once: 1 lost, 0 duplicated.", r.WarningTexts);
        Assert.Contains("the drain period ended before every published event had arrived at every subscriber.", r.WarningTexts);
        Assert.True(r.Generator.CpuPercent > 0, $"generator CPU {r.Generator.CpuPercent} %");
        Assert.False(r.Target.Measured);
    }

    [Fact]
    public async Task Thresholds_hold_each_scenario_and_a_failed_one_fails_the_outcome()
    {
        var scenario = RoomMissingEvent30();

        var outcome = await BenchRunner.RegisterScenarios(scenario).WithReportFolder(dir).WithProgress(_ => { })
            .WithThresholds("room.lost == 0", "room.duplicated == 0").RunAsync();
        var bad = BenchRunner.RegisterScenarios(scenario).WithThresholds("room.p99 < 50");

        Assert.False(outcome.Passed);
        Assert.Equal([false, true], outcome.Thresholds.Select(t => t.Held));
        Assert.Equal(1, outcome.Thresholds[0].Value);
        Assert.Equal(["room.lost == 0", "room.duplicated == 0"], outcome.Results.Thresholds);
        Assert.True(File.Exists(Path.Combine(dir, "thresholds.junit.xml")));
        var report = File.ReadAllText(Path.Combine(dir, "report.md"));
        Assert.True(report.IndexOf("\n## Thresholds", StringComparison.Ordinal) is > 0 and var at
            && at < report.IndexOf("\n## Verdict", StringComparison.Ordinal), "report.md opens with the thresholds");
        var e = await Assert.ThrowsAsync<ArgumentException>(() => bad.RunAsync());
        Assert.Equal("threshold 'room.p99 < 50': p99 takes us, ms or s, and none was given", e.Message);
    }

    [Fact]
    public async Task A_push_over_a_reference_transport_delivers_every_event_to_every_subscriber_exactly_once()
    {
        var push = BenchScenario.Push(transport: "sse", subscribers: 3, rate: 20, duration: TimeSpan.FromSeconds(1))
            .WithWarmUp(TimeSpan.FromSeconds(0.5))
            .WithCostProbe(TimeSpan.Zero);

        var outcome = await BenchRunner.RegisterScenarios(push).WithReportFolder(dir).WithProgress(_ => { }).RunAsync();

        var r = outcome.Results.Results.Single();
        Assert.Equal(("push", "sse", "complete"), (r.Scenario, r.Transport, outcome.Results.Status));
        Assert.Equal(20, r.Counts.Sent);
        Assert.Equal((r.Counts.Sent * 3, 0L, 0L, 0L), (r.Counts.Delivered, r.Counts.Lost, r.Counts.Duplicated, r.Counts.Errors));
        Assert.Equal(r.Counts.Delivered, r.LatencyUs.Count);
    }

    /// <summary>
    /// The SDK's push over a reference transport and <c>bench run push</c> with the same load take one path: the same
    /// result builder gives the same description, guarantee, parameters, fields and warnings, and the same exact counts.
    /// </summary>
    [Fact]
    public async Task A_push_over_a_reference_transport_gives_the_result_bench_run_gives()
    {
        var sdkDir = Path.Combine(dir, "sdk");
        var cliDir = Path.Combine(dir, "cli");
        var push = BenchScenario.Push(transport: "sse", subscribers: 2, rate: 20, duration: TimeSpan.FromSeconds(1))
            .WithWarmUp(TimeSpan.FromSeconds(0.5))
            .WithCostProbe(TimeSpan.Zero);

        var outcome = await BenchRunner.RegisterScenarios(push).WithReportFolder(sdkDir).WithProgress(_ => { }).RunAsync();
        var sdk = outcome.Results.Results.Single();
        var code = await Bench.Scenarios.Program.Main(
        [
            "run", "push", "--transport", "sse", "--subscribers", "2", "--rate", "20",
            "--duration", "1s", "--warmup", "0.5s", "--cost-probe", "0s", "--out", cliDir,
        ]);
        var cli = ResultsJson.Read(Path.Combine(cliDir, "results.json")).Results.Single();

        Assert.Equal(0, code);
        Assert.Equal(
            (cli.Scenario, cli.Transport, cli.Variant, cli.Description, cli.Guarantee),
            (sdk.Scenario, sdk.Transport, sdk.Variant, sdk.Description, sdk.Guarantee));
        Assert.Equal(cli.Parameters, sdk.Parameters);
        Assert.Equal(Fields(cliDir), Fields(sdkDir));
        Assert.Equal(Steady(cli.WarningTexts), Steady(sdk.WarningTexts));
        Assert.Equal(Exact(cli.Counts), Exact(sdk.Counts));
        Assert.Equal((40L, 0L), (sdk.Counts.Delivered, sdk.Counts.Lost));
    }

    private static (long Sent, long Delivered, long Lost, long Duplicated, long Errors) Exact(DeliveryCounts c) =>
        (c.Sent, c.Delivered, c.Lost, c.Duplicated, c.Errors);

    /// <summary>
    /// The warnings that two runs of one load must share: those about the machine at that moment (a generator late or
    /// busy, a rate not kept) left out, numbers masked.
    /// </summary>
    private static List<string> Steady(IEnumerable<string> warnings) =>
    [
        .. warnings
            .Where(w => !w.StartsWith("the generator ", StringComparison.Ordinal))
            .Where(w => !w.StartsWith("offered load not achieved", StringComparison.Ordinal))
            .Where(w => !w.Contains("iterations were dropped", StringComparison.Ordinal))
            .Select(w => System.Text.RegularExpressions.Regex.Replace(w, "[0-9][0-9.,]*", "#")),
    ];

    /// <summary>The fields the run's one result has in results.json, with the sections inside each.</summary>
    private static List<string> Fields(string runDir)
    {
        using var json = JsonDocument.Parse(File.ReadAllText(Path.Combine(runDir, "results.json")));
        var result = json.RootElement.GetProperty("results")[0];
        IEnumerable<string> Inside(JsonProperty p) => p.Value.ValueKind == JsonValueKind.Object
            ? p.Value.EnumerateObject().Select(q => p.Name + "." + q.Name).Prepend(p.Name)
            : [p.Name];
        return [.. result.EnumerateObject().SelectMany(Inside).Order(StringComparer.Ordinal)];
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

    [Fact]
    public async Task A_push_over_an_unknown_transport_is_refused_before_anything_runs()
    {
        var push = BenchScenario.Push(transport: "carrier-pigeon", subscribers: 1, rate: 1, duration: TimeSpan.FromSeconds(1));

        var e = await Assert.ThrowsAsync<ArgumentException>(() => BenchRunner.RegisterScenarios(push).WithReportFolder(dir).RunAsync());

        Assert.Equal("push: unknown transport 'carrier-pigeon'; valid transports: websocket, signalr, sse, webhook, grpc", e.Message);
    }

    [Fact]
    public async Task A_target_name_that_cannot_be_part_of_a_file_name_is_refused_before_anything_runs()
    {
        var scenario = BenchScenario.Create("echo", _ => Task.CompletedTask).WithTarget("reference hub (websocket)");

        var e = await Assert.ThrowsAsync<ArgumentException>(() => BenchRunner.RegisterScenarios(scenario).WithReportFolder(dir).RunAsync());

        Assert.StartsWith("echo: the target 'reference hub (websocket)' must be a name", e.Message, StringComparison.Ordinal);
    }

    /// <summary>One subscriber, 50 events a second for 1 s after a 0.2 s warm-up; event 30 never arrives.</summary>
    private static BenchScenario RoomMissingEvent30() =>
        BenchScenario.CreatePush("room", step =>
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
}
