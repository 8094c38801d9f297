using System.Globalization;
using System.Text;
using Bench.Reports.Charts;
using Bench.Reports.Metrics;
using Bench.Reports.Model;

namespace Bench.Reports.Markdown;

/// <summary>The report's sections for scale and cost: saturation, connections, wire (overhead) and per-message cost.</summary>
internal static class ScaleSections
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>The headline figures of the scale scenarios, per transport, with which is better.</summary>
    public static IReadOnlyList<RowOutcome> WriteAtAGlance(StringBuilder sb, IReadOnlyList<ScenarioResult> results, string reference)
    {
        var rows = new List<(string Name, string Metric, Func<ScenarioResult, double?> Value, Func<double, string> Format, bool HigherIsBetter, Func<ScenarioResult, bool> Pick, Func<ScenarioResult, double[]?>? Replicates)>();
        if (results.Any(r => r.Scenario == "push" && r.Variant == "default" && Stats.MarginalCost.Of(r) is not null))
        {
            rows.Add(("push", "target CPU per delivery (marginal)", r => Stats.MarginalCost.Of(r)?.CpuUsPerDelivery, Micros, false, r => r.Scenario == "push" && r.Variant == "default", Stats.MarginalCost.Replicates));
        }

        foreach (var mode in results.Where(r => r.Saturation is not null).Select(r => r.Saturation!.Mode).Distinct())
        {
            rows.Add(($"saturation ({mode})", "max sustainable rate", r => r.Saturation!.MaxSustainablePerSec, v => v.ToString("N0", Inv) + "/s", true, r => r.Saturation?.Mode == mode && r.Variant == "default", null));
        }

        if (results.Any(r => r.Connections is not null))
        {
            rows.Add(("connections", "target RSS per subscriber", r => r.Connections!.Memory.Count > 0 ? r.Connections.Memory[^1].RssKiBPerSubscriber : null, v => v.ToString("N1", Inv) + " KiB", false, r => r.Connections is not null, null));
            rows.Add(("connections", "idle target CPU", r => r.Connections!.IdleCpuPercent, v => v.ToString("0.00", Inv) + " %", false, r => r.Connections is not null, null));
            rows.Add(("connections", "fan-out to all, p50", r => r.Connections!.FanOut[^1].P50Us, Formats.Milliseconds, false, r => r.Connections is not null, null));
        }

        var size = results.Where(r => r.Wire is not null).Select(r => r.Wire!.PayloadBytes).OrderBy(b => Math.Abs(b - 1024)).FirstOrDefault();
        if (size > 0)
        {
            var sizeText = size.ToString("N0", Inv) + " B payload";
            rows.Add(("overhead", $"bytes per event ({sizeText})", r => r.Wire!.ToSubscriberBytesPerEvent + r.Wire.FromSubscriberBytesPerEvent, v => v.ToString("N0", Inv) + " B", false, r => r.Wire?.PayloadBytes == size && r.Variant == "default", null));
            rows.Add(("overhead", $"target CPU per event ({sizeText})", r => r.Wire!.TargetCpuUsPerEvent, Micros, false, r => r.Wire?.PayloadBytes == size && r.Variant == "default", Stats.MarginalCost.Replicates));
        }

        if (rows.Count == 0)
        {
            return [];
        }

        var table = new GlanceTable(GlanceTable.TransportsOf(results.Where(r => r.Resilience is null)), reference);
        foreach (var row in rows)
        {
            table.Row(row.Name, row.Metric, results, row.Pick, row.Value, row.Format, row.HigherIsBetter, row.Replicates);
        }

        sb.AppendLine("### Scale and cost");
        sb.AppendLine();
        table.WriteTo(sb);
        sb.AppendLine(results.Any(r => r.Blocks.Any(b => b.Load == BlockFigures.Half))
            ? "CPU per delivery is marginal: the slope between the full-rate blocks and the half-rate blocks of the same rounds, at the scenario's fan-out, "
                + "from the target threads' scheduler time, with a 95 % interval over launches and rounds (see the push and wire sections); the other rows are single measurements."
            : "CPU per delivery is marginal: the slope between the measured window and the half-rate cost probe after it, at the scenario's fan-out, "
                + "with a 95 % interval over their seconds (see the push and wire sections); the other rows are single measurements.");
        sb.AppendLine();
        return table.Outcomes;
    }

    private static string Micros(double v) => v.ToString(v < 10 ? "N1" : "N0", Inv) + " µs";

    /// <summary>
    /// Push's cost table: each transport's marginal CPU per delivery with its interval, the target's fixed CPU, and the
    /// plain average (CPU ÷ deliveries) that start-up and idle work inflate at low rates.
    /// </summary>
    public static void WriteMarginalCost(StringBuilder sb, IReadOnlyList<ScenarioResult> results)
    {
        var costed = results.Select(r => (Result: r, Cost: Stats.MarginalCost.Of(r))).Where(x => x.Cost is not null).ToList();
        var failed = results.Select(r => (Result: r, Problem: Stats.MarginalCost.Problem(r))).Where(x => x.Problem is not null).ToList();
        if (costed.Count == 0 && failed.Count == 0)
        {
            return;
        }

        sb.AppendLine("### Target CPU per delivery");
        sb.AppendLine();
        var table = new MarkdownTable("transport", "marginal", "95 % interval", "fixed CPU", "loads compared", "average (CPU ÷ deliveries)");
        foreach (var (r, c) in costed)
        {
            table.Row(MarkdownReport.Label(r), Micros(c!.CpuUsPerDelivery), c.Low is { } lo && c.High is { } hi ? $"{Micros(lo)} – {Micros(hi)}" : "too few seconds",
                c.FixedCorePercent.ToString("0.0", Inv) + " % of a core",
                string.Create(Inv, $"{c.LowDeliveriesPerSec:N0}/s ({c.LowSeconds} s) vs {c.HighDeliveriesPerSec:N0}/s ({c.HighSeconds} s)"),
                r.Target.Measured && r.Counts.Delivered > 0 ? Micros(r.Target.CpuSeconds * 1e6 / r.Counts.Delivered) : "–");
        }

        foreach (var (r, problem) in failed)
        {
            table.Row(MarkdownReport.Label(r), "–", problem!, "–", "–", r.Target.Measured && r.Counts.Delivered > 0 ? Micros(r.Target.CpuSeconds * 1e6 / r.Counts.Delivered) : "–");
        }

        table.WriteTo(sb);
        sb.AppendLine((results.Any(r => r.Blocks.Any(b => b.Load == BlockFigures.Half))
            ? "Marginal: the target's extra CPU per extra delivery between the full-rate blocks and the half-rate blocks run beside them in the same rounds. "
            : "Marginal: the target's extra CPU per extra delivery between the last seconds of the measured window and the half-rate cost probe after it (the probe's first second left out). ")
            + "It is a cost per delivery at this fan-out: what each published event costs (receiving it, the broadcast) is shared among its subscribers. Fixed: what the target burns at this load beyond that — timers, keep-alives, idle thread-pool spinning, the connections it holds — so the average, which divides everything by the deliveries, overstates the cost of an event at low rates.");
        sb.AppendLine();
    }

    public static void WriteSaturation(StringBuilder sb, IReadOnlyList<ScenarioResult> results)
    {
        if (results.Count == 0)
        {
            return;
        }

        sb.AppendLine("## saturation");
        sb.AppendLine();
        sb.AppendLine(MarkdownText.Escape(results[0].Description));
        sb.AppendLine();
        var first = results[0].Saturation!;
        sb.AppendLine(string.Create(Inv,
            $"SLO: p99 ≤ {Formats.Milliseconds(first.SloP99Us)}. Each step lasts {first.StepSec:0.#} s (its first {results[0].Parameters.WarmupSec:0.#} s warm-up, excluded); push fans each event out to {results[0].Parameters.Subscribers:N0} subscribers and its rate is events published a second (achieved: events delivered to every subscriber a second). A step breaches when p99 exceeds the SLO, achieved falls below 95 % of offered, more than 1 % of requests fail, or any event is not delivered within the drain. A step that breaches is run again, and the search stops only when it breaches twice; the maximum sustainable rate is the last step that held."));
        sb.AppendLine();
        foreach (var mode in results.GroupBy(r => r.Saturation!.Mode))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"### {mode.Key}");
            sb.AppendLine();
            var summary = new MarkdownTable("transport", "max sustainable", "stopped");
            foreach (var r in mode)
            {
                summary.Row(MarkdownReport.Label(r), r.Saturation!.MaxSustainablePerSec.ToString("N0", Inv) + "/s", MarkdownText.Escape(r.Saturation.BreachReason));
            }

            summary.WriteTo(sb);
            foreach (var r in mode)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"Steps of {MarkdownReport.Label(r)}:");
                sb.AppendLine();
                var steps = new MarkdownTable("offered", "achieved", "p50", "p99", "delivered", "errors", "lost", "target CPU", "verdict");
                foreach (var s in r.Saturation!.Steps)
                {
                    steps.Row(s.OfferedPerSec.ToString("N0", Inv) + "/s", s.AchievedPerSec.ToString("N0", Inv) + "/s", Formats.Milliseconds(s.P50Us), Formats.Milliseconds(s.P99Us),
                        s.Delivered.ToString("N0", Inv), s.Errors.ToString("N0", Inv), s.Lost.ToString("N0", Inv), s.TargetCpuPercent.ToString("0.0", Inv) + " %", Verdict(s));
                }

                steps.WriteTo(sb);
            }

            sb.AppendLine(CultureInfo.InvariantCulture, $"![saturation ({mode.Key}): latency against achieved throughput](charts/{ChartNames.Saturation(mode.Key)})");
            sb.AppendLine();
        }

        sb.AppendLine("Target CPU is a share of the whole machine, which the harness shares: near 100 % minus the generator's share, the machine, not the target's design, is the limit.");
        sb.AppendLine();
    }

    private static string Verdict(SaturationStep s) => (s.Breach, s.FirstAttempt) switch
    {
        (null, null) => "held",
        (null, { } first) => $"held when repeated (the first run breached: {first})",
        ({ } breach, null) => breach,
        ({ } breach, _) => $"{breach} (breached twice)",
    };

    public static void WriteConnections(StringBuilder sb, IReadOnlyList<ScenarioResult> results)
    {
        if (results.Count == 0)
        {
            return;
        }

        sb.AppendLine("## connections");
        sb.AppendLine();
        sb.AppendLine(MarkdownText.Escape(results[0].Description));
        sb.AppendLine();
        var table = new MarkdownTable("transport", "subscribers held", "failed", "connect p50", "connect p99", "opened per second", "source addresses", "RSS per subscriber", "managed heap per subscriber", "idle target CPU", "keep-alive");
        foreach (var r in results)
        {
            var c = r.Connections!;
            table.Row(MarkdownReport.Label(r), c.Subscribers.ToString("N0", Inv), c.Failed.ToString("N0", Inv),
                c.ConnectP50Us is { } p50 ? Formats.Milliseconds(p50) : "–", c.ConnectP99Us is { } p99 ? Formats.Milliseconds(p99) : "–",
                c.OpenedPerSec.ToString("N0", Inv), c.SourceAddresses.ToString(Inv),
                c.Memory.Count > 0 ? c.Memory[^1].RssKiBPerSubscriber.ToString("N1", Inv) + " KiB" : "not measured",
                c.Memory.Count > 0 ? c.Memory[^1].ManagedKiBPerSubscriber.ToString("N1", Inv) + " KiB" : "not measured",
                c.IdleCpuPercent is { } idle ? string.Create(Inv, $"{idle:0.00} % over {c.IdleSec:0} s") : "not measured", c.KeepAliveSec > 0 ? string.Create(Inv, $"every {c.KeepAliveSec:0} s per connection") : "none (HTTP)");
        }

        table.WriteTo(sb);
        sb.AppendLine("A WebSocket subscriber is an open connection; a webhook subscriber is a registered endpoint (its connections are pooled by the dispatcher and opened only to deliver). For webhooks, \"opened per second\" is registrations a second and connect time does not apply.");
        sb.AppendLine();

        sb.AppendLine("### Memory and fan-out by size");
        sb.AppendLine();
        var sizes = new MarkdownTable("transport", "subscribers", "target RSS", "managed heap", "RSS per subscriber", "managed per subscriber", "harness RSS per subscriber", "fan-out p50", "fan-out p99", "fan-out max", "broadcasts", "incomplete");
        foreach (var r in results)
        {
            var c = r.Connections!;
            foreach (var f in c.FanOut)
            {
                // A target Bench cannot see (a target file without a process id) has fan-out times but no memory.
                var m = c.Memory.FirstOrDefault(x => x.Subscribers == f.Subscribers);
                const string none = "not measured";
                sizes.Row(MarkdownReport.Label(r), f.Subscribers.ToString("N0", Inv), m is null ? none : m.RssMiB.ToString("N1", Inv) + " MiB", m is null ? none : m.ManagedMiB.ToString("N1", Inv) + " MiB",
                    m is null ? none : m.RssKiBPerSubscriber.ToString("N1", Inv) + " KiB", m is null ? none : m.ManagedKiBPerSubscriber.ToString("N1", Inv) + " KiB",
                    m?.HarnessRssKiBPerSubscriber is { } h ? (h >= 0 ? h.ToString("N1", Inv) + " KiB" : "below its start") : r.Distribution is not null ? "in agents" : none,
                    Formats.Milliseconds(f.P50Us), Formats.Milliseconds(f.P99Us), Formats.Milliseconds(f.MaxUs), f.Broadcasts.ToString(Inv), f.Incomplete.ToString(Inv));
            }
        }

        sizes.WriteTo(sb);
        sb.AppendLine("Memory per subscriber is the target's growth over the same target with none, after a full garbage collection, divided by the subscribers; at 100 the process's own fluctuations weigh as much as the subscribers. Harness RSS per subscriber is the same reading of Bench's own process, the side that holds the subscribers (with `--agents`, the Agents table gives each agent's RSS instead); \"below its start\" means the process gave back more memory from earlier cases than the subscribers took, so the reading says nothing per subscriber. Fan-out time runs from an event's publish until the last subscriber has read it; with few broadcasts, p99 is close to their maximum.");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"![connections: memory per subscriber and fan-out time against subscribers](charts/{ChartNames.Connections})");
        sb.AppendLine();
    }

    public static void WriteWire(StringBuilder sb, IReadOnlyList<ScenarioResult> results, IReadOnlyList<ScenarioResult> push)
    {
        if (results.Count == 0)
        {
            return;
        }

        sb.AppendLine("## wire");
        sb.AppendLine();
        sb.AppendLine(MarkdownText.Escape(results[0].Description));
        sb.AppendLine();
        var p = results[0].Parameters;
        sb.AppendLine(string.Create(Inv, $"Load: {p.RatePerSec:N0} events/s to {p.Subscribers:N0} subscribers, {p.WarmupSec:0.#} s warm-up + {p.DurationSec:0.#} s measured per row. Bytes are counted on the subscribers' sockets above TCP (IP/TCP headers and bare ACKs are not included), warm-up included, divided by every distinct delivery; CPU is over the measured window."));
        sb.AppendLine();
        var table = new MarkdownTable("transport", "payload", "event body", "to subscriber", "from subscriber", "total per event", "handshake per connection", "connections", "compression ratio", "target CPU", "harness CPU");
        foreach (var r in results.OrderBy(r => r.Transport, StringComparer.Ordinal).ThenBy(r => r.Variant, StringComparer.Ordinal).ThenBy(r => r.Wire!.PayloadBytes))
        {
            var w = r.Wire!;
            table.Row(MarkdownReport.Label(r), w.PayloadBytes.ToString("N0", Inv) + " B", w.EnvelopeBytes.ToString("N0", Inv) + " B",
                w.ToSubscriberBytesPerEvent.ToString("N1", Inv) + " B", w.FromSubscriberBytesPerEvent.ToString("N1", Inv) + " B", w.TotalBytesPerEvent.ToString("N1", Inv) + " B",
                w.HandshakeBytesPerConnection.ToString("N0", Inv) + " B", w.Connections.ToString("N0", Inv),
                CompressionRatio(r, results) is { } ratio ? Formats.Ratio(ratio) : "–",
                w.TargetCpuUsPerEvent is { } cpu ? cpu.ToString("N0", Inv) + " µs" : "not measured", w.HarnessCpuUsPerEvent.ToString("N0", Inv) + " µs");
        }

        table.WriteTo(sb);
        WriteCostAgreement(sb, results, push);
        sb.AppendLine("To subscriber: the target's bytes per delivered event (WebSocket frames, or the HTTP request with its headers); from subscriber: what comes back (HTTP responses; pongs). Handshakes — TLS, and the WebSocket upgrade — are counted apart; a TCP handshake is invisible to a stream. Total per event includes handshakes, so `cold` (a new connection per delivery) pays its connections there. Compression ratio: bytes to the subscriber without compression ÷ with it, same transport, payload and other variants. CPU is per delivered event: the target process's, and the harness's (which hosts the subscribers).");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"![bytes on the wire per delivered event](charts/{ChartNames.Wire})");
        sb.AppendLine();
    }

    /// <summary>Whether overhead's marginal CPU per event agrees with push's per delivery, transport by transport (intervals overlap).</summary>
    private static void WriteCostAgreement(StringBuilder sb, IReadOnlyList<ScenarioResult> wire, IReadOnlyList<ScenarioResult> pushResults)
    {
        var lines = new List<string>();
        foreach (var r in wire.Where(r => r.Variant == "default"))
        {
            var pushed = pushResults.FirstOrDefault(p => p.Transport == r.Transport && p.Variant == "default");
            if (pushed is null || Stats.MarginalCost.Of(pushed) is not { Low: { } pushLow, High: { } pushHigh } push
                || Stats.MarginalCost.Of(r) is not { Low: { } lo, High: { } hi } mine)
            {
                continue;
            }

            var agree = pushLow <= hi && lo <= pushHigh;
            lines.Add(string.Create(Inv,
                $"{r.Transport} ({r.Wire!.PayloadBytes:N0} B): {Micros(mine.CpuUsPerDelivery)} [{Micros(lo)} – {Micros(hi)}] here, {Micros(push.CpuUsPerDelivery)} [{Micros(pushLow)} – {Micros(pushHigh)}] in push — {(agree ? "they agree (the intervals overlap)" : "they disagree (the intervals do not overlap)")}"));
        }

        if (lines.Count > 0)
        {
            var (o, q) = (wire[0].Parameters, pushResults[0].Parameters);
            var sameLoad = o.RatePerSec == q.RatePerSec && o.Subscribers == q.Subscribers;
            sb.AppendLine(string.Create(Inv, $"Target CPU here is marginal, as in push, and the two are measured on separate targets ")
                + (sameLoad
                    ? string.Create(Inv, $"at the same load ({o.RatePerSec:N0} events/s to {o.Subscribers:N0} subscribers) with different payloads, so agreement checks the method: ")
                    : string.Create(Inv, $"at different loads ({o.RatePerSec:N0} events/s to {o.Subscribers:N0} subscribers here, {q.RatePerSec:N0} to {q.Subscribers:N0} in push): each event's own cost is shared among its subscribers, so they need not agree: "))
                + string.Join("; ", lines) + ".");
            sb.AppendLine();
        }
    }

    private static double? CompressionRatio(ScenarioResult r, IReadOnlyList<ScenarioResult> all)
    {
        var features = r.Variant.Split('+');
        if (!features.Contains("compression"))
        {
            return null;
        }

        var plainFeatures = features.Where(f => f != "compression").ToList();
        var plain = plainFeatures.Count == 0 ? "default" : string.Join('+', plainFeatures);
        return all.FirstOrDefault(x => x.Transport == r.Transport && x.Variant == plain && x.Wire!.PayloadBytes == r.Wire!.PayloadBytes) is { } baseline && r.Wire!.ToSubscriberBytesPerEvent > 0
            ? baseline.Wire!.ToSubscriberBytesPerEvent / r.Wire.ToSubscriberBytesPerEvent
            : null;
    }

    public static void WriteMicro(StringBuilder sb, IReadOnlyList<MicroBenchmark> micro)
    {
        if (micro.Count == 0)
        {
            return;
        }

        sb.AppendLine("## Per-message cost");
        sb.AppendLine();
        sb.AppendLine("Micro-benchmarks (BenchmarkDotNet, in process, a short job) of the work each message costs, apart from any network: mean time per operation with its 99.9 % error margin, and bytes allocated per operation.");
        sb.AppendLine();
        var table = new MarkdownTable("benchmark", "parameters", "mean", "error", "allocated");
        foreach (var m in micro)
        {
            table.Row($"{m.Type}.{m.Method}", m.Parameters.Length == 0 ? "–" : m.Parameters, Nanoseconds(m.MeanNs), "± " + Nanoseconds(m.ErrorNs),
                m.AllocatedBytes is { } a ? a.ToString("N0", Inv) + " B" : "–");
        }

        table.WriteTo(sb);
    }

    private static string Nanoseconds(double ns) => ns switch
    {
        < 1_000 => ns.ToString("0.0", Inv) + " ns",
        < 1_000_000 => (ns / 1_000).ToString("0.00", Inv) + " µs",
        _ => (ns / 1_000_000).ToString("0.00", Inv) + " ms",
    };
}
