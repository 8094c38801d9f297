using System.Globalization;
using System.Text;
using Bench.Reports.Charts;
using Bench.Reports.Metrics;
using Bench.Reports.Model;

namespace Bench.Reports.Markdown;

/// <summary>
/// A section per latency scenario (every measured result without a section of its own): its load, the transports'
/// guarantees, latency, throughput and accounting, harness and target, agents, marginal cost, and its two charts.
/// </summary>
internal sealed class ScenarioSections : IReportSection
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public string Title => "Scenarios";

    public bool IsAvailable(ReportContext report) => report.Measured.Results.Any(r => !r.HasOwnSection);

    public void Render(StringBuilder sb, ReportContext report)
    {
        foreach (var group in report.Measured.Results.Where(r => !r.HasOwnSection).GroupBy(r => r.Scenario))
        {
            WriteScenario(sb, group.Key, [.. group]);
        }
    }

    private static void WriteScenario(StringBuilder sb, string scenario, IReadOnlyList<ScenarioResult> results)
    {
        sb.AppendLine(Inv, $"## {scenario}");
        sb.AppendLine();
        if (results.FirstOrDefault(r => r.Description.Length > 0) is { } described)
        {
            sb.AppendLine(MarkdownText.Escape(described.Description));
            sb.AppendLine();
        }

        var p = results[0].Parameters;
        sb.Append(Inv, $"Load: {p.RatePerSec.ToString("N0", Inv)}/s, {p.Subscribers.ToString(Inv)} subscriber(s), ")
            .Append(Inv, $"{p.PayloadBytes.ToString(Inv)}-byte payload, {p.Connections.ToString(Inv)} connection(s); ")
            .AppendLine(Inv, $"{p.WarmupSec.ToString(Inv)} s warm-up (excluded) + {p.DurationSec.ToString(Inv)} s measured.");
        sb.AppendLine();

        var guarantees = results.Where(r => r.Guarantee is not null).Select(r => (r.Transport, r.Guarantee)).Distinct().ToList();
        if (guarantees.Count > 0)
        {
            sb.AppendLine("Delivery guarantee of each transport's setup, which the figures below are measured under:");
            sb.AppendLine();
            foreach (var (transport, guarantee) in guarantees)
            {
                sb.AppendLine(Inv, $"- **{transport}**: {MarkdownText.Escape(guarantee!)}.");
            }

            sb.AppendLine();
        }

        WriteMetricTable(sb, "Latency, from the intended send time", MetricCatalog.LatencyTable, results);
        var fewest = results.Min(r => r.LatencyUs.Count);
        var what = p.Subscribers > 1
            ? string.Create(Inv, $"deliveries (each event at each of {p.Subscribers:N0} subscribers, ")
                + string.Create(Inv, $"so one slow event counts {p.Subscribers:N0} times)")
            : "requests (one answer each)";
        var anecdote = fewest < 10_000
            ? string.Create(Inv, $" The p99.9 of {fewest:N0} samples rests on its top {Math.Max(1, fewest / 1000):N0}: ")
                + "read it as an anecdote, not a figure."
            : "";
        sb.AppendLine(Inv, $"Samples are {what}.{anecdote}");
        sb.AppendLine();
        WriteMetricTable(sb, "Throughput and accounting", MetricCatalog.DeliveryTable, results);
        foreach (var r in results.Where(r => r.ErrorsByKind.Count > 0))
        {
            var kinds = r.ErrorsByKind.Select(kv => $"{MarkdownText.Code(kv.Key)} × {kv.Value.ToString("N0", Inv)}");
            sb.AppendLine(Inv, $"Errors of {MarkdownReport.Label(r)}: {string.Join(", ", kinds)}.");
            sb.AppendLine();
        }

        WriteMetricTable(sb, "Harness and target", MetricCatalog.HarnessTable, results);
        WriteAgents(sb, results);
        MarginalCostTable.Write(sb, results);
        sb.AppendLine(Inv, $"![{scenario}: latency by percentile](charts/{ChartNames.Percentiles(scenario)})");
        sb.AppendLine();
        var timelineTitle = results.All(r => r.Interleaved is not null)
            ? "latency and throughput per block, interleaved"
            : "latency and throughput over time";
        sb.AppendLine(Inv, $"![{scenario}: {timelineTitle}](charts/{ChartNames.Timeline(scenario)})");
        sb.AppendLine();
    }

    /// <summary>Each agent's share and health, for cases spread over agents, with how latency was timed across their clocks.</summary>
    private static void WriteAgents(StringBuilder sb, IReadOnlyList<ScenarioResult> results)
    {
        var spread = results.Where(r => r.Distribution is not null).ToList();
        if (spread.Count == 0)
        {
            return;
        }

        sb.AppendLine("### Agents");
        sb.AppendLine();
        foreach (var r in spread)
        {
            var d = r.Distribution!;
            var missing = d.MissingShards.Count > 0
                ? $" — **shard {string.Join(", ", d.MissingShards)} missing**: the figures above are the other agents' only"
                : "";
            var clock = MarkdownText.Escape(d.ClockMethod);
            sb.AppendLine(Inv, $"**{MarkdownReport.Label(r)}** over {d.Agents} agents{missing}. Clock: {clock}");
            if (d.Publishing is { } publishing)
            {
                sb.AppendLine();
                sb.AppendLine(Inv, $"Publishing: {MarkdownText.Escape(publishing)}");
            }

            sb.AppendLine();
            var table = new MarkdownTable(
                "agent", "host", "subscribers", "published", "delivered", "timed", "schedule lag p99", "CPU (machine)", "errors", "status");
            foreach (var a in r.Agents)
            {
                table.Row(a.Index.ToString(Inv), MarkdownText.Escape(a.Host), a.Subscribers.ToString("N0", Inv),
                    a.Published.ToString("N0", Inv), a.Delivered.ToString("N0", Inv), a.Timed.ToString("N0", Inv),
                    Formats.Milliseconds(a.ScheduleLagP99Us), a.CpuPercent.ToString("0.0", Inv) + " %",
                    a.Errors.ToString("N0", Inv), MarkdownText.Escape(a.Status));
            }

            foreach (var gone in d.MissingShards)
            {
                table.Row(gone.ToString(Inv), "–", "–", "–", "–", "–", "–", "–", "–", "missing: no shard");
            }

            table.WriteTo(sb);
            if (r.Scenario == "push" && AgentCapacity.Of(r) is { } capacity)
            {
                sb.AppendLine(MarkdownText.Escape(capacity.Describe()));
                sb.AppendLine();
            }
        }
    }

    private static void WriteMetricTable(
        StringBuilder sb, string title, IReadOnlyList<Metric> metrics, IReadOnlyList<ScenarioResult> results)
    {
        sb.AppendLine(Inv, $"### {title}");
        sb.AppendLine();
        var table = new MarkdownTable(["transport", .. metrics.Select(m => m.Header)]);
        foreach (var r in results)
        {
            table.Row([MarkdownReport.Label(r), .. metrics.Select(m => m.Format(r))]);
        }

        table.WriteTo(sb);
    }
}
