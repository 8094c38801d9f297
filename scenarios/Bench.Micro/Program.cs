using System.Globalization;
using Bench.Harness.Running;
using Bench.Reports;
using Bench.Reports.Json;
using Bench.Reports.Model;
using BenchmarkDotNet.Columns;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Loggers;
using BenchmarkDotNet.Running;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using Perfolizer.Horology;

namespace Bench.Micro;

/// <summary>
/// <c>bench-micro [--out DIR] [--filter TEXT]</c>: runs the per-message micro-benchmarks with a short in-process job,
/// leaves BenchmarkDotNet's markdown and JSON exports in <c>DIR/micro</c>, and writes the run's results.json and
/// report.md (its "Per-message cost" section) into DIR — by default a new folder under results/.
/// </summary>
public static class Program
{
    public static int Main(string[] args)
    {
        string? output = null;
        string? filter = null;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--out" when i + 1 < args.Length:
                    output = args[++i];
                    break;
                case "--filter" when i + 1 < args.Length:
                    filter = args[++i];
                    break;
                case "-h" or "--help":
                    Console.WriteLine("Usage: bench-micro [--out DIR] [--filter TEXT]\n  --out     run folder (default results/<run-id>,"
                        + " with results/latest pointing at it)\n  --filter  run only benchmarks whose class or method name contains TEXT");
                    return 0;
                default:
                    Console.Error.WriteLine($"error: unknown option '{args[i]}' (try --help)");
                    return 2;
            }
        }

        var startedAt = TimeProvider.System.GetUtcNow();
        var runId = EnvironmentProbe.RunId(startedAt);
        var directory = output ?? RunFolders.Unique(runId);
        Directory.CreateDirectory(directory);

        // A short job, in process: enough iterations for a mean with an error bar, in well under a minute.
        var job = Job.Default
            .WithToolchain(InProcessEmitToolchain.Instance)
            .WithLaunchCount(1)
            .WithWarmupCount(2)
            .WithIterationCount(6)
            .WithIterationTime(TimeInterval.FromMilliseconds(120));
        var config = ManualConfig.CreateEmpty()
            .AddJob(job)
            .AddLogger(ConsoleLogger.Default)
            .AddColumnProvider(DefaultColumnProviders.Instance)
            .AddExporter(MarkdownExporter.GitHub, JsonExporter.Brief)
            .WithArtifactsPath(Path.GetFullPath(Path.Combine(directory, "micro")))
            .WithOptions(ConfigOptions.DisableLogFile | ConfigOptions.JoinSummary);
        Type[] types = [typeof(WebSocketMessage), typeof(SignedWebhookRequest), typeof(Hmac), typeof(EventJson), typeof(EngineIteration)];
        if (filter is not null)
        {
            types =
            [
                .. types.Where(t => t.Name.Contains(filter, StringComparison.OrdinalIgnoreCase)
                    || t.GetMethods().Any(m => m.Name.Contains(filter, StringComparison.OrdinalIgnoreCase))),
            ];
            if (types.Length == 0)
            {
                Console.Error.WriteLine($"error: --filter '{filter}' matches no benchmark");
                return 2;
            }
        }

        var summaries = BenchmarkRunner.Run(types, config);
        var micro = new List<MicroBenchmark>();
        foreach (var report in summaries.SelectMany(s => s.Reports))
        {
            if (report.ResultStatistics is not { } stats)
            {
                continue;
            }

            var bc = report.BenchmarkCase;
            var parameters = string.Join(", ", bc.Parameters.Items.Select(p => $"{p.Name}={p.Value}"));
            micro.Add(new MicroBenchmark(bc.Descriptor.Type.Name, bc.Descriptor.WorkloadMethodDisplayInfo.Trim('\''), parameters,
                Math.Round(stats.Mean, 1), Math.Round(stats.ConfidenceInterval.Margin, 1), Math.Round(stats.StandardDeviation, 1),
                report.GcStats.GetBytesAllocatedPerOperation(bc)));
        }

        micro = [.. micro.OrderBy(m => m.Type, StringComparer.Ordinal).ThenBy(m => m.Method, StringComparer.Ordinal)];
        var failed = summaries.SelectMany(s => s.Reports).Count(r => r.ResultStatistics is null);
        var run = new RunResults
        {
            RunId = runId,
            StartedAt = startedAt,
            Profile = "micro",
            Status = failed == 0 ? "complete" : "failed",
            StatusMessage = failed == 0 ? null : string.Create(CultureInfo.InvariantCulture, $"{failed} benchmark(s) produced no result"),
            Environment = EnvironmentProbe.Describe("bench micro " + string.Join(' ', args)),
            Micro = micro,
        };
        var resultsPath = Path.Combine(directory, "results.json");
        ResultsJson.Write(run, resultsPath);
        var reportPath = ReportWriter.Write(run, directory);
        if (output is null)
        {
            if (RunFolders.PointLatestAt(directory) is { } warning)
            {
                Console.Error.WriteLine(warning);
            }
        }

        Console.WriteLine($"Results: {Path.GetFullPath(resultsPath)}");
        Console.WriteLine($"Report:  {Path.GetFullPath(reportPath)}");
        return failed == 0 ? 0 : 1;
    }
}
