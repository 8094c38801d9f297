using System.CommandLine;
using Bench.Harness;
using Bench.Harness.Distributed;
using Bench.Reports;
using Bench.Reports.Json;
using Bench.Reports.Model;

namespace Bench.Scenarios.Cli;

/// <summary>
/// <c>bench merge SHARDS... --out DIR</c>: the agents' shards (files, or folders of <c>shard-*.json</c>) combined into
/// one results.json and report, exactly. A shard of another run, or a case's second shard of one index, exits 2 naming
/// it; a missing shard still gives the merged report of the others, names the missing one, and exits 4.
/// </summary>
internal static class MergeCommand
{
    public static Command Create()
    {
        var shards = new Argument<string[]>("shards")
        {
            Description = "Shard files, or folders holding shard-*.json (all the agents of one run).",
            Arity = ArgumentArity.OneOrMore,
        };
        var output = CliOptions.Text("--out",
            "Where results.json, report.md and charts go. The "
            + "default is the first folder given (or the first file's folder).");
        var command = new Command("merge",
            "Merge agents' shards into one results.json and report (see docs/distributed.md).") { shards, output };
        command.SetAction(parse =>
        {
            var inputs = parse.GetValue(shards) ?? [];
            var files = new List<string>();
            foreach (var input in inputs)
            {
                if (Directory.Exists(input))
                {
                    files.AddRange(Directory.GetFiles(input, "shard-*.json").Order(StringComparer.Ordinal));
                }
                else if (File.Exists(input))
                {
                    files.Add(input);
                }
                else
                {
                    return Program.UsageError([$"shards: no such file or folder: {input}"]);
                }
            }

            if (files.Count == 0)
            {
                return Program.UsageError([$"shards: no shard-*.json in {string.Join(", ", inputs)}"]);
            }

            RunResults run;
            try
            {
                run = ShardFiles.Merge(files.Select(f => new ShardMerge.Named(f, ResultsJson.ReadShard(f))).ToList(), Program.CommandLine);
            }
            catch (InvalidDataException e)
            {
                return Program.UsageError([e.Message]);
            }

            var directory = parse.GetValue(output)
                ?? (Directory.Exists(inputs[0]) ? inputs[0] : Path.GetDirectoryName(Path.GetFullPath(inputs[0]))!);
            string report;
            try
            {
                Directory.CreateDirectory(directory);
                ResultsJson.Write(run, Path.Combine(directory, "results.json"));
                report = ReportWriter.Write(run, directory);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                return Program.UsageError([$"--out: cannot write to {directory}: {e.Message}"]);
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

            Console.Out.WriteLine($"Results: {Path.GetFullPath(Path.Combine(directory, "results.json"))}");
            Console.Out.WriteLine($"Report:  {Path.GetFullPath(report)}");
            if (run.Status != "complete")
            {
                Console.Error.WriteLine($"error: {run.StatusMessage}");
                return ExitCodes.RunFailed;
            }

            return ExitCodes.Ok;
        });
        return command;
    }
}
