using System.Globalization;
using System.Text;
using Bench.Reports.Charts;
using Bench.Reports.Metrics;
using Bench.Reports.Model;

namespace Bench.Reports.Markdown;

/// <summary>Renders <c>report.md</c> from a run's results alone. Deterministic: the same results give the same bytes.</summary>
public static class MarkdownReport
{
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
        sb.AppendLine("WebSocket, SignalR, Server-Sent Events or webhooks? Every figure below was measured in this run, on this machine.");
        sb.AppendLine();
        if (run.Results.FirstOrDefault(r => r.Interleaved is not null)?.Interleaved is { } il)
        {
            sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
                $"**Method.** The transports were measured interleaved: every target up at once, each in its own process, and each round ran one {il.BlockSec:0.#} s block per transport in seeded random order, so whatever the machine did at a moment fell on all of them alike. ")
                + string.Create(CultureInfo.InvariantCulture,
                    $"Each target was launched {il.TargetLaunches} times afresh ({il.RoundsPerLaunch} rounds each), and every interval resamples launches first, then rounds, so it covers launch-to-launch noise too (docs/method.md)."));
            sb.AppendLine();
        }


        // The answer first, then what could make it wrong, then the figures it rests on.
        VerdictSection.Write(sb, run, outcomes);
        if (run.Suite == "claims")
        {
            ClaimsSection.Write(sb, run);
        }

        ValiditySection.Write(sb, run);
        sb.Append(glance);
        WriteEnvironment(sb, run);

        // Sections and charts are of measured results; an n/a has no figures.
        run = run with { Results = [.. run.Results.Where(r => r.IsMeasured)] };
        foreach (var group in run.Results.Where(r => !r.HasOwnSection).GroupBy(r => r.Scenario))
        {
            WriteScenario(sb, group.Key, [.. group]);
        }

        ScaleSections.WriteSaturation(sb, [.. run.Results.Where(r => r.Saturation is not null)]);
        ScaleSections.WriteConnections(sb, [.. run.Results.Where(r => r.Connections is not null)]);
        ScaleSections.WriteWire(sb, [.. run.Results.Where(r => r.Wire is not null)], [.. run.Results.Where(r => r.Scenario == "push")]);
        ScaleSections.WriteMicro(sb, run.Micro);
        ResilienceSection.Write(sb, [.. run.Results.Where(r => r.Resilience is not null)]);

        if (sizing is not null)
        {
            sb.Append(Sizing.SizingText.Render(sizing, Sizing.SizingModel.Size(run, sizing), "this run"));
            sb.AppendLine();
        }

        WriteMethod(sb, run.Results.Any(r => r.Resilience is not null));
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

    private static void WriteEnvironment(StringBuilder sb, RunResults run)
    {
        sb.AppendLine("## The run");
        sb.AppendLine();
        var e = run.Environment;
        var table = new MarkdownTable("", "") { Numeric = false }
            .Row("Started", run.StartedAt.ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture))
            .Row("Profile", MarkdownText.Escape(run.Profile))
            .Row("Status", MarkdownText.Escape(run.StatusMessage is null ? run.Status : $"{run.Status}: {run.StatusMessage}"))
            .Row("OS", MarkdownText.Escape(e.Os))
            .Row("CPU", $"{MarkdownText.Escape(e.Cpu)} ({e.LogicalCores.ToString(CultureInfo.InvariantCulture)} logical cores)")
            .Row("Memory", e.MemoryGiB.ToString("0.0", CultureInfo.InvariantCulture) + " GiB")
            .Row("Runtime", MarkdownText.Escape(e.Runtime))
            .Row("GC", MarkdownText.Escape(e.Gc))
            .Row("Commit", MarkdownText.Escape(e.Commit ?? "unknown"))
            .Row("Command line", MarkdownText.Code(e.CommandLine));
        table.WriteTo(sb);
    }

    private static List<RowOutcome> WriteAtAGlance(StringBuilder sb, RunResults run, string reference)
    {
        sb.AppendLine("## At a glance");
        sb.AppendLine();
        if (!run.Results.Any(r => !r.HasOwnSection))
        {
            var scale = ScaleSections.WriteAtAGlance(sb, run.Results, reference);
            sb.AppendLine(run.Results.Count switch
            {
                0 => run.Micro.Count > 0 ? "Micro-benchmarks only: see Per-message cost." : "No scenario completed in this run.",
                _ when run.Results.All(r => r.Resilience is not null) => "Only faults were run: see Resilience.",
                _ => "Each scenario's own section follows.",
            });
            sb.AppendLine();
            return [.. scale];
        }

        var compared = run.Results.Where(r => !r.HasOwnSection).ToList();
        var table = new GlanceTable(GlanceTable.TransportsOf(compared), reference);
        foreach (var group in compared.GroupBy(r => (r.Scenario, r.Variant == "default" && r.NotApplicable is null ? "default" : r.Variant)))
        {
            var name = group.Key.Item2 == "default" ? group.Key.Scenario : $"{group.Key.Scenario} ({group.Key.Item2})";
            var rows = compared.Where(r => r.Scenario == group.Key.Scenario && (r.Variant == group.Key.Item2 || r.NotApplicable is not null)).ToList();
            foreach (var metric in MetricCatalog.AtAGlance)
            {
                table.Row(name, metric.Header + " latency", rows, _ => true, r => metric.Value(r) is var v && double.IsFinite(v) ? v : null, metric.FormatValue, metric.Better == Better.Higher,
                    metric.Percentile is { } p ? r => Stats.BlockBootstrap.Percentile(r, p, $"{r.Scenario}/{r.Transport}/{r.Variant}") : null);
            }
        }

        table.WriteTo(sb);
        sb.AppendLine(table.Legend());
        sb.AppendLine();
        var outcomes = table.Outcomes.ToList();
        outcomes.AddRange(ScaleSections.WriteAtAGlance(sb, run.Results, reference));
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
            table.Row(scenario, "first-second p99", cold, r => r.Scenario == scenario, r => Stats.ColdStart.Of(r)?.FirstSecondP99Us, Formats.Milliseconds, higherIsBetter: false);
            table.Row(scenario, "steady after", cold, r => r.Scenario == scenario, r => Stats.ColdStart.Of(r)?.SteadyAfterSec, v => v.ToString("0", CultureInfo.InvariantCulture) + " s", higherIsBetter: false);
        }

        table.WriteTo(sb);
        sb.AppendLine(string.Create(CultureInfo.InvariantCulture,
            $"Each case starts on a fresh target, so its first second (of warm-up) is what a deploy pays. Steady: the first of {Stats.ColdStart.SteadyRun} seconds in a row whose p99 is at most {Stats.ColdStart.SteadyFactor}× the median per-second p99 of the measured window, counted from the start of warm-up (by intended time). Single measurements: no interval."));
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

    private static void WriteScenario(StringBuilder sb, string scenario, IReadOnlyList<ScenarioResult> results)
    {
        sb.AppendLine(CultureInfo.InvariantCulture, $"## {scenario}");
        sb.AppendLine();
        if (results.FirstOrDefault(r => r.Description.Length > 0) is { } described)
        {
            sb.AppendLine(MarkdownText.Escape(described.Description));
            sb.AppendLine();
        }

        var p = results[0].Parameters;
        sb.AppendLine(CultureInfo.InvariantCulture,
            $"Load: {p.RatePerSec.ToString("N0", CultureInfo.InvariantCulture)}/s, {p.Subscribers.ToString(CultureInfo.InvariantCulture)} subscriber(s), {p.PayloadBytes.ToString(CultureInfo.InvariantCulture)}-byte payload, {p.Connections.ToString(CultureInfo.InvariantCulture)} connection(s); {p.WarmupSec.ToString(CultureInfo.InvariantCulture)} s warm-up (excluded) + {p.DurationSec.ToString(CultureInfo.InvariantCulture)} s measured.");
        sb.AppendLine();

        var guarantees = results.Where(r => r.Guarantee is not null).Select(r => (r.Transport, r.Guarantee)).Distinct().ToList();
        if (guarantees.Count > 0)
        {
            sb.AppendLine("Delivery guarantee of each transport's setup, which the figures below are measured under:");
            sb.AppendLine();
            foreach (var (transport, guarantee) in guarantees)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"- **{transport}**: {MarkdownText.Escape(guarantee!)}.");
            }

            sb.AppendLine();
        }

        WriteMetricTable(sb, "Latency, from the intended send time", MetricCatalog.LatencyTable, results);
        var fewest = results.Min(r => r.LatencyUs.Count);
        var what = p.Subscribers > 1 ? string.Create(CultureInfo.InvariantCulture, $"deliveries (each event at each of {p.Subscribers:N0} subscribers, so one slow event counts {p.Subscribers:N0} times)") : "requests (one answer each)";
        sb.AppendLine(CultureInfo.InvariantCulture, $"Samples are {what}.{(fewest < 10_000 ? string.Create(CultureInfo.InvariantCulture, $" The p99.9 of {fewest:N0} samples rests on its top {Math.Max(1, fewest / 1000):N0}: read it as an anecdote, not a figure.") : "")}");
        sb.AppendLine();
        WriteMetricTable(sb, "Throughput and accounting", MetricCatalog.DeliveryTable, results);
        foreach (var r in results.Where(r => r.ErrorsByKind.Count > 0))
        {
            sb.AppendLine(CultureInfo.InvariantCulture,
                $"Errors of {Label(r)}: {string.Join(", ", r.ErrorsByKind.Select(kv => $"{MarkdownText.Code(kv.Key)} × {kv.Value.ToString("N0", CultureInfo.InvariantCulture)}"))}.");
            sb.AppendLine();
        }

        WriteMetricTable(sb, "Harness and target", MetricCatalog.HarnessTable, results);
        WriteAgents(sb, results);
        ScaleSections.WriteMarginalCost(sb, results);
        sb.AppendLine(CultureInfo.InvariantCulture, $"![{scenario}: latency by percentile](charts/{ChartNames.Percentiles(scenario)})");
        sb.AppendLine();
        var timelineTitle = results.All(r => r.Interleaved is not null) ? "latency and throughput per block, interleaved" : "latency and throughput over time";
        sb.AppendLine(CultureInfo.InvariantCulture, $"![{scenario}: {timelineTitle}](charts/{ChartNames.Timeline(scenario)})");
        sb.AppendLine();
    }

    /// <summary>Each agent's share and health, for cases spread over agents, with how latency was timed across their clocks.</summary>
    internal static void WriteAgents(StringBuilder sb, IReadOnlyList<ScenarioResult> results)
    {
        var spread = results.Where(r => r.Distribution is not null).ToList();
        if (spread.Count == 0)
        {
            return;
        }

        var inv = CultureInfo.InvariantCulture;
        sb.AppendLine("### Agents");
        sb.AppendLine();
        foreach (var r in spread)
        {
            var d = r.Distribution!;
            sb.AppendLine(CultureInfo.InvariantCulture, $"**{Label(r)}** over {d.Agents} agents{(d.MissingShards.Count > 0 ? $" — **shard {string.Join(", ", d.MissingShards)} missing**: the figures above are the other agents' only" : "")}. Clock: {MarkdownText.Escape(d.ClockMethod)}");
            sb.AppendLine();
            var table = new MarkdownTable("agent", "host", "subscribers", "published", "delivered", "timed", "schedule lag p99", "CPU (machine)", "errors", "status");
            foreach (var a in r.Agents)
            {
                table.Row(a.Index.ToString(inv), MarkdownText.Escape(a.Host), a.Subscribers.ToString("N0", inv), a.Published.ToString("N0", inv), a.Delivered.ToString("N0", inv),
                    a.Timed.ToString("N0", inv), Formats.Milliseconds(a.ScheduleLagP99Us), a.CpuPercent.ToString("0.0", inv) + " %", a.Errors.ToString("N0", inv), MarkdownText.Escape(a.Status));
            }

            foreach (var gone in d.MissingShards)
            {
                table.Row(gone.ToString(inv), "–", "–", "–", "–", "–", "–", "–", "–", "missing: no shard");
            }

            table.WriteTo(sb);
        }
    }

    internal static void WriteMetricTable(StringBuilder sb, string title, IReadOnlyList<Metric> metrics, IReadOnlyList<ScenarioResult> results)
    {
        sb.AppendLine(CultureInfo.InvariantCulture, $"### {title}");
        sb.AppendLine();
        var table = new MarkdownTable(["transport", .. metrics.Select(m => m.Header)]);
        foreach (var r in results)
        {
            table.Row([Label(r), .. metrics.Select(m => m.Format(r))]);
        }

        table.WriteTo(sb);
    }

    private static void WriteMethod(StringBuilder sb, bool faults)
    {
        sb.AppendLine("## Method notes");
        sb.AppendLine();
        sb.AppendLine("- **Open model.** Events and requests are scheduled at intended times (evenly spaced at the offered rate), whether or not earlier ones have finished.");
        sb.AppendLine("- **Latency runs from the intended time**, not from when the generator got round to sending, so a stall anywhere (generator, target, network) shows in the percentiles: coordinated omission is corrected as wrk2 does.");
        sb.AppendLine("- **Push latency is end to end:** from the event's intended publish time to its arrival at each subscriber (the whole message read), on the host's monotonic clock, shared by every process on this machine.");
        sb.AppendLine("- **The same publishing path feeds every transport:** the harness sends each event once over a kept-alive WebSocket control connection to the target (the hub for WebSocket, SignalR and SSE; the dispatcher for webhooks); only the delivery leg (WebSocket frames, SignalR hub messages, SSE events, signed HTTP POSTs) differs.");
        sb.AppendLine("- **Every event is accounted for** from per-subscriber sequence numbers: lost = published − arrived at least once, after a drain period; duplicates and out-of-order arrivals are counted exactly.");
        sb.AppendLine("- **Warm-up is excluded** from every summary figure and shaded on timelines. Timeline seconds count from the start of warm-up; latency there is by arrival second.");
        sb.AppendLine("- **Targets run in their own processes** (`bench serve`), so target CPU and memory are measured apart from the generator's. Percentiles come from HdrHistogram (3 significant digits, µs); the full histograms are in `results.json` and `histograms/`.");
        if (faults)
        {
            sb.AppendLine("- **Faults** are injected through a TCP fault proxy between the target and its subscribers (or, for `restart`, by killing the target process). Lost = accepted by the target (acknowledged, or delivered to anyone) − received at least once, after a drain; publishes refused while a target is down are counted apart. Webhook retries run on the Standard Webhooks schedule × 0.001: a delay of 9 s here is 2.5 hours in production.");
        }

        sb.AppendLine();
    }
}
