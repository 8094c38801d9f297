using System.CommandLine;
using Bench.Harness;
using Bench.Reports.Json;
using Bench.Reports.Sizing;

namespace Bench.Scenarios.Cli;

/// <summary>
/// <c>bench size --results FILE --rate N --subscribers N [--payload B] [--rtt 80ms] [--guarantee G]</c>: what each
/// transport of a run would need — cores, memory, bandwidth, connections — for a workload, from the run's measured
/// marginal costs, with intervals and a warning wherever it extrapolates more than 10×.
/// </summary>
internal static class SizeCommand
{
    public static Command Create()
    {
        var results = new Option<string>("--results")
        {
            Description = "A results.json (or a run folder holding one) to size from. The default is results/latest.",
            DefaultValueFactory = _ => Path.Combine("results", "latest"),
        };
        var rate = CliOptions.PositiveDouble("--rate", "Events published a second (required).");
        var subscribers = CliOptions.PositiveInt("--subscribers", "Subscribers each event goes to (required).");
        var payload = CliOptions.PositiveInt("--payload", "Payload bytes of each event. The default is 1024.");
        var rtt = CliOptions.Duration("--rtt",
            "Round trip from the sender to the subscribers, e.g. 80ms: how long "
                + "a webhook request is in flight. The default is 0 (loopback).");
        var guarantee = new Option<string>("--guarantee")
        {
            Description = "The delivery guarantee required: " + string.Join(", ", Workload.Guarantees)
                + ". A transport that does not give it is flagged. The default is any.",
            DefaultValueFactory = _ => "any",
        };
        var command = new Command("size",
            "Size a workload from a run's measured marginal costs: cores, memory, bandwidth and connections per transport.")
        {
            results, rate, subscribers, payload, rtt, guarantee,
        };
        command.SetAction(parse =>
        {
            var problems = new List<string>();
            var perSec = parse.GetValue(rate);
            var count = parse.GetValue(subscribers);
            if (perSec is null)
            {
                problems.Add("--rate is required: events published a second");
            }

            if (count is null)
            {
                problems.Add("--subscribers is required: subscribers each event goes to");
            }

            var wanted = parse.GetValue(guarantee)!;
            if (!Workload.Guarantees.Contains(wanted))
            {
                problems.Add($"--guarantee '{wanted}' is not one of {string.Join(", ", Workload.Guarantees)}");
            }

            var path = parse.GetValue(results)!;
            if (Directory.Exists(path))
            {
                path = Path.Combine(path, "results.json");
            }

            if (!File.Exists(path))
            {
                problems.Add($"--results: no such file: {path}");
            }

            if (problems.Count > 0)
            {
                return Program.UsageError(problems);
            }

            Reports.Model.RunResults run;
            try
            {
                run = ResultsJson.Read(path);
            }
            catch (InvalidDataException e)
            {
                return Program.UsageError(["--results: " + e.Message]);
            }

            var workload = new Workload(
                perSec!.Value, count!.Value, parse.GetValue(payload) ?? 1024, (parse.GetValue(rtt) ?? TimeSpan.Zero).TotalMilliseconds,
                wanted);
            var sizings = SizingModel.Size(run, workload);
            if (sizings.Count == 0)
            {
                return Program.UsageError([$"--results: {path} holds no measured case to size from"]);
            }

            Console.Out.Write(SizingText.Render(workload, sizings, $"run {run.RunId} ({Path.GetFullPath(path)})"));
            return ExitCodes.Ok;
        });
        return command;
    }
}
