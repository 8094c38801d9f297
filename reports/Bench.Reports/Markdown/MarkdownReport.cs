using System.Globalization;
using System.Text;
using Bench.Reports.Metrics;
using Bench.Reports.Model;

namespace Bench.Reports.Markdown;

/// <summary>Renders <c>report.md</c> from a run's results alone. Deterministic: the same results give the same bytes.</summary>
public static class MarkdownReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private const string KindsHeading = "### Limits, capacity and faults";

    private const string Opening =
        "WebSocket, SignalR, Server-Sent Events or webhooks? Every figure below was measured in this run, on this machine.";

    /// <summary>Renders the report; ratios are against <paramref name="reference"/> (the run's own, or websocket).</summary>
    public static string Render(RunResults run, string? reference = null, Sizing.Workload? sizing = null)
    {
        reference ??= run.Reference ?? "websocket";
        var glance = new StringBuilder();
        var outcomes = WriteAtAGlance(glance, run, reference);
        WriteNotApplicable(glance, run);

        var sb = new StringBuilder();
        sb.AppendLine(CultureInfo.InvariantCulture, $"# Bench report: run {MarkdownText.Escape(run.RunId)}");
        sb.AppendLine();
        sb.AppendLine(Opening);
        sb.AppendLine();
        if (run.Results.FirstOrDefault(r => r.Interleaved is not null)?.Interleaved is { } il)
        {
            sb.Append("**Method.** The transports were measured interleaved: every target up at once, each in its own process, ")
                .Append(Inv, $"and each round ran one {il.BlockSec:0.#} s block per transport in seeded random order, ")
                .Append("so whatever the machine did at a moment fell on all of them alike. ")
                .Append(Inv, $"Each target was launched {il.TargetLaunches} times afresh ({il.RoundsPerLaunch} rounds each), ")
                .Append("and every interval resamples launches first, then rounds, ")
                .AppendLine("so it covers launch-to-launch noise too (docs/method.md).");
            sb.AppendLine();
        }

        // The answer first, then what could make it wrong, then the figures it rests on: ReportSections.All's order.
        var report = new ReportContext(run, outcomes, glance.ToString(), sizing);
        foreach (var section in ReportSections.All.Where(s => s.IsAvailable(report)))
        {
            section.Render(sb, report);
        }

        return sb.ToString().ReplaceLineEndings("\n");
    }

    /// <summary>
    /// What the at-a-glance tables decide for <paramref name="run"/> — each row's best, the others' ratios and intervals —
    /// without rendering (<c>bench reproduce</c> compares these across launches).
    /// </summary>
    public static IReadOnlyList<RowOutcome> Decisions(RunResults run, string? reference = null) =>
        WriteAtAGlance(new StringBuilder(), run, reference ?? run.Reference ?? "websocket");

    /// <summary>The label of a result in tables and legends: its transport, and its variant unless default.</summary>
    public static string Label(ScenarioResult r) => r.Variant == "default" ? r.Transport : $"{r.Transport} ({r.Variant})";

    private static List<RowOutcome> WriteAtAGlance(StringBuilder sb, RunResults run, string reference)
    {
        sb.AppendLine("## At a glance");
        sb.AppendLine();
        if (!run.Results.Any(r => !r.HasOwnSection))
        {
            var scale = ScaleGlance.Write(sb, run.Results, reference);
            var kinds = new VerdictKinds.VerdictInput(run, scale);
            var wrote = VerdictKinds.VerdictGlance.Write(sb, kinds, scale.Count > 0 ? KindsHeading : null);
            if (!wrote && scale.Count == 0)
            {
                sb.AppendLine(run.Results.Count == 0 && run.Micro.Count > 0
                    ? "Micro-benchmarks only: see Per-message cost."
                    : run.Results.Any(r => r.ServerFeed is not null && r.IsMeasured)
                    ? "A system that publishes on its own, measured alone: see push (source: server)."
                    : "No scenario completed in this run.");
                sb.AppendLine();
            }

            return [.. scale];
        }

        var compared = run.Results.Where(r => !r.HasOwnSection).ToList();
        var table = new GlanceTable(GlanceTable.TransportsOf(compared), reference);
        // A declared n/a joins its scenario's default row, whatever its variant.
        var cases = compared.GroupBy(r => (r.Scenario, Variant: r.Variant == "default" && r.NotApplicable is null ? "default" : r.Variant));
        foreach (var group in cases)
        {
            var (scenario, variant) = group.Key;
            var name = variant == "default" ? scenario : $"{scenario} ({variant})";
            var rows = compared.Where(r => r.Scenario == scenario && (r.Variant == variant || r.NotApplicable is not null)).ToList();
            foreach (var metric in MetricCatalog.AtAGlance)
            {
                table.Row(name, metric.Header + " latency", rows, _ => true, r => metric.Value(r) is var v && double.IsFinite(v) ? v : null,
                    metric.FormatValue, metric.Better == Better.Higher,
                    metric.Percentile is { } p
                        ? r => Stats.BlockBootstrap.Percentile(r, p, $"{r.Scenario}/{r.Transport}/{r.Variant}")
                        : null);
            }
        }

        table.WriteTo(sb);
        sb.AppendLine(table.Legend());
        sb.AppendLine();
        var outcomes = table.Outcomes.ToList();
        outcomes.AddRange(ScaleGlance.Write(sb, run.Results, reference));
        VerdictKinds.VerdictGlance.Write(sb, new VerdictKinds.VerdictInput(run, outcomes), KindsHeading);
        WriteColdStart(sb, compared, reference);
        return outcomes;
    }

    /// <summary>The cold start every deploy pays: each case's first-second p99 and how long until it was steady.</summary>
    private static void WriteColdStart(StringBuilder sb, IReadOnlyList<ScenarioResult> compared, string reference)
    {
        var cold = compared.Where(r => r.IsMeasured && r.Variant == "default" && Stats.ColdStart.Of(r) is not null).ToList();
        if (cold.Count == 0)
        {
            return;
        }

        sb.AppendLine("### Cold start");
        sb.AppendLine();
        var table = new GlanceTable(GlanceTable.TransportsOf(compared), reference);
        foreach (var scenario in cold.Select(r => r.Scenario).Distinct())
        {
            table.Row(scenario, "first-second p99", cold, r => r.Scenario == scenario, r => Stats.ColdStart.Of(r)?.FirstSecondP99Us,
                Formats.Milliseconds, higherIsBetter: false);
            table.Row(scenario, "steady after", cold, r => r.Scenario == scenario, r => Stats.ColdStart.Of(r)?.SteadyAfterSec,
                v => v.ToString("0", Inv) + " s", higherIsBetter: false);
        }

        table.WriteTo(sb);
        sb.Append("Each case starts on a fresh target, so its first second (of warm-up) is what a deploy pays. ")
            .Append(Inv, $"Steady: the first of {Stats.ColdStart.SteadyRun} seconds in a row whose p99 is at most ")
            .Append(Inv, $"{Stats.ColdStart.SteadyFactor}× the median per-second p99 of the measured window, ")
            .AppendLine("counted from the start of warm-up (by intended time). Single measurements: no interval.");
        sb.AppendLine();
    }

    private static void WriteNotApplicable(StringBuilder sb, RunResults run)
    {
        var skipped = run.Results.Where(r => r.NotApplicable is not null)
            .Select(r => (Case: r.Saturation is { } s ? $"{r.Scenario} ({s.Mode})" : r.Scenario, r.Transport, Reason: r.NotApplicable!))
            .Distinct().ToList();
        if (skipped.Count == 0)
        {
            return;
        }

        sb.AppendLine("Not run, as the transport itself declares (n/a):");
        sb.AppendLine();
        foreach (var (scenario, transport, reason) in skipped)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- **{scenario} / {transport}**: {MarkdownText.Escape(reason)}.");
        }

        sb.AppendLine();
    }
}
