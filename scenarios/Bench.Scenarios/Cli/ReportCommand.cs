using System.CommandLine;
using Bench.Harness;
using Bench.Reports;
using Bench.Reports.Json;

namespace Bench.Scenarios.Cli;

/// <summary><c>bench report RESULTS.json [--out DIR]</c>: re-renders report.md, charts and histograms from results alone.</summary>
internal static class ReportCommand
{
    public static Command Create()
    {
        var results = new Argument<string>("results") { Description = "A results.json file, or a run folder holding one." };
        var output = CliOptions.Text("--out",
            "Where to write report.md, charts/ and histograms/. The default is the results file's folder.");
        var reference = CliOptions.Text("--reference",
            "The transport the ratios are against. The default is the "
            + "run's own (websocket unless bench run was given --reference).");
        var sizeRate = CliOptions.PositiveDouble("--size-rate",
            "Add a Sizing section for this many events a second (with --size-subscribers; see bench size).");
        var sizeSubscribers = CliOptions.PositiveInt("--size-subscribers", "The Sizing section's subscribers each event goes to.");
        var sizePayload = CliOptions.PositiveInt("--size-payload", "The Sizing section's payload bytes. The default is 1024.");
        var sizeRtt = CliOptions.Duration("--size-rtt", "The Sizing section's round trip to subscribers, e.g. 80ms. The default is 0.");
        var command = new Command("report", "Re-render report.md and charts from a results.json.")
        {
            results, output, reference, sizeRate, sizeSubscribers, sizePayload, sizeRtt,
        };
        command.SetAction(parse =>
        {
            var path = parse.GetValue(results)!;
            if (Directory.Exists(path))
            {
                path = Path.Combine(path, "results.json");
            }

            if (!File.Exists(path))
            {
                return Program.UsageError([$"results: no such file: {path}"]);
            }

            Reports.Model.RunResults run;
            try
            {
                run = ResultsJson.Read(path);
            }
            catch (InvalidDataException e)
            {
                return Program.UsageError([e.Message]);
            }

            if (parse.GetValue(reference) is { } chosen)
            {
                var problems = new List<string>();
                run = run with { Reference = Bench.Harness.Transports.TransportChoice.Reference(chosen, problems).Name };
                if (problems.Count > 0)
                {
                    return Program.UsageError(problems);
                }
            }

            Reports.Sizing.Workload? sizing = null;
            if (parse.GetValue(sizeRate) is { } perSec)
            {
                if (parse.GetValue(sizeSubscribers) is not { } count)
                {
                    return Program.UsageError(["--size-subscribers is required with --size-rate"]);
                }

                sizing = new Reports.Sizing.Workload(
                    perSec, count, parse.GetValue(sizePayload) ?? 1024, (parse.GetValue(sizeRtt) ?? TimeSpan.Zero).TotalMilliseconds);
            }
            else if (parse.GetValue(sizeSubscribers) is not null)
            {
                return Program.UsageError(["--size-rate is required with --size-subscribers"]);
            }

            var directory = parse.GetValue(output) ?? Path.GetDirectoryName(Path.GetFullPath(path))!;
            string report;
            try
            {
                report = ReportWriter.Write(run, directory, sizing);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Program.UsageError([$"--out: cannot write the report to {directory}: {e.Message}"]);
            }
            catch (InvalidDataException e)
            {
                return Program.UsageError([e.Message]);
            }
            catch (ReportRenderException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                return ExitCodes.RunFailed;
            }

            Console.Out.WriteLine($"Report: {Path.GetFullPath(report)}");
            return ExitCodes.Ok;
        });
        return command;
    }
}
