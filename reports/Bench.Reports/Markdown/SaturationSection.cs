using System.Globalization;
using System.Text;
using Bench.Reports.Charts;
using Bench.Reports.Metrics;
using Bench.Reports.Model;

namespace Bench.Reports.Markdown;

/// <summary>"saturation": per mode, each transport's maximum sustainable rate, its steps, and the latency/throughput chart.</summary>
internal sealed class SaturationSection : IReportSection
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private const string Rules = "A step breaches when p99 exceeds the SLO, achieved falls below 95 % of offered, more than 1 % "
        + "of requests fail, or any event is not delivered within the drain. A step that breaches is run again, and the search "
        + "stops only when it breaches twice; the maximum sustainable rate is the last step that held.";

    private const string MachineLimit = "Target CPU is a share of the whole machine, which the harness shares: near 100 % minus "
        + "the generator's share, the machine, not the target's design, is the limit.";

    public string Title => "saturation";

    public bool IsAvailable(ReportContext report) => report.Measured.Results.Any(r => r.Saturation is not null);

    public void Render(StringBuilder sb, ReportContext report)
    {
        var results = report.MeasuredWith(r => r.Saturation is not null);
        sb.AppendLine("## saturation");
        sb.AppendLine();
        sb.AppendLine(MarkdownText.Escape(results[0].Description));
        sb.AppendLine();
        var first = results[0].Saturation!;
        var p = results[0].Parameters;
        sb.Append(Inv, $"SLO: p99 ≤ {Formats.Milliseconds(first.SloP99Us)}. ")
            .Append(Inv, $"Each step lasts {first.StepSec:0.#} s (its first {p.WarmupSec:0.#} s warm-up, excluded); ")
            .Append(Inv, $"push fans each event out to {p.Subscribers:N0} subscribers and its rate is events published a second ")
            .Append("(achieved: events delivered to every subscriber a second). ")
            .AppendLine(Rules);
        sb.AppendLine();
        foreach (var mode in results.GroupBy(r => r.Saturation!.Mode))
        {
            sb.AppendLine(Inv, $"### {mode.Key}");
            sb.AppendLine();
            var summary = new MarkdownTable("transport", "max sustainable", "stopped");
            foreach (var r in mode)
            {
                summary.Row(MarkdownReport.Label(r), r.Saturation!.MaxSustainablePerSec.ToString("N0", Inv) + "/s",
                    MarkdownText.Escape(r.Saturation.BreachReason));
            }

            summary.WriteTo(sb);
            foreach (var r in mode)
            {
                sb.AppendLine(Inv, $"Steps of {MarkdownReport.Label(r)}:");
                sb.AppendLine();
                var steps = new MarkdownTable("offered", "achieved", "p50", "p99", "delivered", "errors", "lost", "target CPU", "verdict");
                foreach (var s in r.Saturation!.Steps)
                {
                    steps.Row(s.OfferedPerSec.ToString("N0", Inv) + "/s", s.AchievedPerSec.ToString("N0", Inv) + "/s",
                        Formats.Milliseconds(s.P50Us), Formats.Milliseconds(s.P99Us), s.Delivered.ToString("N0", Inv),
                        s.Errors.ToString("N0", Inv), s.Lost.ToString("N0", Inv), s.TargetCpuPercent.ToString("0.0", Inv) + " %",
                        Verdict(s));
                }

                steps.WriteTo(sb);
            }

            var chart = ChartNames.Saturation(mode.Key);
            sb.AppendLine(Inv, $"![saturation ({mode.Key}): latency against achieved throughput](charts/{chart})");
            sb.AppendLine();
        }

        sb.AppendLine(MachineLimit);
        sb.AppendLine();
    }

    private static string Verdict(SaturationStep s) => (s.Breach, s.FirstAttempt) switch
    {
        (null, null) => "held",
        (null, { } first) => $"held when repeated (the first run breached: {first})",
        ({ } breach, null) => breach,
        ({ } breach, _) => $"{breach} (breached twice)",
    };
}
