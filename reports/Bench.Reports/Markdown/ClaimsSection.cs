using System.Globalization;
using System.Text;
using Bench.Reports.Metrics;
using Bench.Reports.Model;
using Bench.Reports.Stats;

namespace Bench.Reports.Markdown;

/// <summary>How a claim fared against this run's figures.</summary>
public enum ClaimVerdict
{
    Holds,
    DoesNotHold,
    Depends,
    NotTested,
}

/// <summary>One common claim, quoted, with Bench's verdict, the figures behind it and the section they come from.</summary>
public sealed record ClaimCheck(string Claim, ClaimVerdict Verdict, string Because, string Section);

/// <summary>
/// The claims check (<c>bench run claims</c>): each claim commonly made about these transports, judged from this run's
/// own figures — WebSocket against webhooks, as the claims are made, with the other transports beside them where they
/// tell the reader something. Where the run lacks what a claim needs, it says so rather than guess.
/// </summary>
public static class ClaimsSection
{
    private const string Ws = "websocket";
    private const string Wh = "webhook";
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static IReadOnlyList<ClaimCheck> Evaluate(RunResults run)
    {
        var r = run.Results.Where(x => x.IsMeasured).ToList();
        return
        [
            LowerLatency(r),
            HigherThroughput(r),
            NetworkOverhead(r),
            ScalesToConnections(r),
            WebhookVolume(r),
            WebSocketReconnects(r),
            WebhookRetries(r),
            PersistentConnection(r),
            WebhookServerLoad(r),
        ];
    }

    public static void Write(StringBuilder sb, RunResults run)
    {
        var checks = Evaluate(run);
        sb.AppendLine("## Claims");
        sb.AppendLine();
        sb.AppendLine("Claims commonly made about WebSocket and webhooks, each judged from this run's own figures (WebSocket against"
            + " webhooks, as the claims are made). A latency or CPU difference counts only when its 95 % interval lies wholly"
            + " beyond the 5 % tie band; other figures are single measurements and say so.");
        sb.AppendLine();
        var table = new MarkdownTable("claim", "verdict", "because (this run's figures)", "see") { Numeric = false };
        foreach (var c in checks)
        {
            table.Row("“" + c.Claim + "”", Text(c.Verdict), c.Because, c.Section);
        }

        table.WriteTo(sb);
    }

    public static string Text(ClaimVerdict v) => v switch
    {
        ClaimVerdict.Holds => "**holds**",
        ClaimVerdict.DoesNotHold => "**does not hold**",
        ClaimVerdict.Depends => "**depends**",
        _ => "not tested",
    };

    private static ScenarioResult? Find(
        IReadOnlyList<ScenarioResult> r,
        string scenario,
        string transport,
        Func<ScenarioResult, bool>? also = null) =>
        r.FirstOrDefault(x => x.Scenario == scenario && x.Transport == transport && x.Variant == "default" && (also?.Invoke(x) ?? true));

    private static ClaimCheck NotTested(string claim, string needs, string section) =>
        new(claim, ClaimVerdict.NotTested, $"this run has no {needs}", section);

    /// <summary>
    /// Webhook over WebSocket for a latency percentile, with its interval: above 1.05 clearly lower for WebSocket, below
    /// 0.95 clearly higher.
    /// </summary>
    private static (double Ratio, double Low, double High)? LatencyRatio(ScenarioResult ws, ScenarioResult wh, double percentile)
    {
        if (BlockBootstrap.Percentile(wh, percentile, $"{wh.Scenario}/{wh.Transport}/{wh.Variant}") is not { } a
            || BlockBootstrap.Percentile(ws, percentile, $"{ws.Scenario}/{ws.Transport}/{ws.Variant}") is not { } b)
        {
            return null;
        }

        var (low, high) = BlockBootstrap.Interval(BlockBootstrap.Ratio(a, b));
        var point = (percentile == 50 ? wh.LatencyUs.P50 : wh.LatencyUs.P99)
            / Math.Max(1.0, percentile == 50 ? ws.LatencyUs.P50 : ws.LatencyUs.P99);
        return (point, low, high);
    }

    private static string Range(double low, double high) => Formats.Ratio(low).TrimEnd('×') + "–" + Formats.Ratio(high);

    private static ClaimCheck LowerLatency(IReadOnlyList<ScenarioResult> r)
    {
        const string claim = "WebSocket has lower latency";
        var parts = new List<(string Name, int Sign, string Text)>();
        foreach (var scenario in new[] { "rtt", "push" })
        {
            if (Find(r, scenario, Ws) is not { } ws || Find(r, scenario, Wh) is not { } wh)
            {
                continue;
            }

            foreach (var p in new[] { 50.0, 99.0 })
            {
                if (LatencyRatio(ws, wh, p) is not var (ratio, low, high))
                {
                    continue;
                }

                var sign = low > 1.05 ? 1 : high < 0.95 ? -1 : 0;
                var wsUs = p == 50 ? ws.LatencyUs.P50 : ws.LatencyUs.P99;
                var whUs = p == 50 ? wh.LatencyUs.P50 : wh.LatencyUs.P99;
                var said = string.Create(Inv, $"{scenario} p{p:0} {Formats.Milliseconds(wsUs)} vs {Formats.Milliseconds(whUs)} (webhook"
                    + $" {Formats.Ratio(ratio)} [{Range(low, high)}])");
                parts.Add(($"{scenario} p{p:0}", sign, said));
            }
        }

        if (parts.Count == 0)
        {
            return NotTested(claim, "rtt or push results for both websocket and webhook", "rtt, push");
        }

        var verdict = parts.All(p => p.Sign > 0) ? ClaimVerdict.Holds
            : parts.All(p => p.Sign <= 0) ? ClaimVerdict.DoesNotHold
            : ClaimVerdict.Depends;
        var lower = parts.Where(p => p.Sign > 0).Select(p => p.Name).ToList();
        var notLower = parts.Where(p => p.Sign <= 0).Select(p => p.Name);
        var prefix = verdict == ClaimVerdict.Depends ? $"lower on {string.Join(", ", lower)}, not on {string.Join(", ", notLower)}: " : "";
        return new ClaimCheck(claim, verdict, prefix + string.Join("; ", parts.Select(p => p.Text)) + ".", "At a glance, rtt, push");
    }

    private static ClaimCheck HigherThroughput(IReadOnlyList<ScenarioResult> r)
    {
        const string claim = "WebSocket has higher throughput";
        var sat = r.Where(x => x.Saturation is { Mode: "push" } && x.Variant == "default").ToList();
        if (sat.FirstOrDefault(x => x.Transport == Ws) is not { } ws || sat.FirstOrDefault(x => x.Transport == Wh) is not { } wh)
        {
            return NotTested(claim, "push saturation search for both websocket and webhook", "saturation");
        }

        var (a, b) = (ws.Saturation!.MaxSustainablePerSec, wh.Saturation!.MaxSustainablePerSec);
        var subs = ws.Parameters.Subscribers;
        var others = string.Join(", ", sat
            .Where(x => x.Transport is not Ws and not Wh)
            .Select(x => string.Create(Inv, $"{x.Transport} {x.Saturation!.MaxSustainablePerSec:N0}/s")));
        var text = string.Create(Inv, $"most events/s to {subs:N0} subscribers within the {Formats.Milliseconds(ws.Saturation.SloP99Us)}"
            + $" p99 SLO: websocket {a:N0}/s, webhook {b:N0}/s")
            + (others.Length > 0 ? $" ({others})" : "") + "; one search each, to the resolution of its steps";
        var verdict = a > 1.1 * b ? ClaimVerdict.Holds : b > 1.1 * a ? ClaimVerdict.DoesNotHold : ClaimVerdict.Depends;
        if (sat.Count(x => Math.Abs(x.Saturation!.MaxSustainablePerSec - a) < 1) >= 3)
        {
            text += string.Create(Inv, $"; three or more transports stopped at the same step ({a:N0}/s), which suggests this machine, not"
                + $" the transport, set that limit");
        }

        return new ClaimCheck(claim, verdict, text + ".", "saturation");
    }

    private static ClaimCheck NetworkOverhead(IReadOnlyList<ScenarioResult> r)
    {
        const string claim = "WebSocket has minimal network overhead";
        var wire = r.Where(x => x.Wire is not null && x.Variant == "default").ToList();
        var size = wire.Select(x => x.Wire!.PayloadBytes).OrderBy(b => Math.Abs(b - 1024)).FirstOrDefault();
        var at = wire.Where(x => x.Wire!.PayloadBytes == size).ToList();
        if (at.FirstOrDefault(x => x.Transport == Ws) is not { } ws || at.Count < 2)
        {
            return NotTested(claim, "overhead results for websocket and another transport", "wire");
        }

        double Extra(ScenarioResult x) => x.Wire!.TotalBytesPerEvent - x.Wire.PayloadBytes;
        var least = at.Min(Extra);
        var verdict = Extra(ws) <= least * 1.05 ? ClaimVerdict.Holds : ClaimVerdict.DoesNotHold;
        var text = string.Create(Inv, $"bytes on the wire per delivery beyond the {size:N0} B payload: ")
            + string.Join(", ", at.OrderBy(Extra).Select(x => string.Create(Inv, $"{x.Transport} {Extra(x):N0} B")))
            + string.Create(Inv, $"; handshakes per connection:"
                + $" {string.Join(", ", at.Select(x => string.Create(Inv, $"{x.Transport} {x.Wire!.HandshakeBytesPerConnection:N0} B")))}");
        return new ClaimCheck(claim, verdict, text + ".", "wire");
    }

    private static ClaimCheck ScalesToConnections(IReadOnlyList<ScenarioResult> r)
    {
        const string claim = "WebSocket scales better to many simultaneous connections";
        if (Find(r, "connections", Ws) is not { Connections: { Memory.Count: > 0, FanOut.Count: > 0 } ws } wsr
            || Find(r, "connections", Wh) is not { Connections: { Memory.Count: > 0, FanOut.Count: > 0 } wh })
        {
            return NotTested(claim, "connections results for both websocket and webhook", "connections");
        }

        var comparisons = new List<(string Name, double Ws, double Wh, Func<double, string> Format)>
        {
            (
                "target memory per subscriber",
                ws.Memory[^1].RssKiBPerSubscriber,
                wh.Memory[^1].RssKiBPerSubscriber,
                v => v.ToString("N1", Inv) + " KiB"),
            ("fan-out to all, p50", ws.FanOut[^1].P50Us, wh.FanOut[^1].P50Us, v => Formats.Milliseconds(v)),
        };
        if (ws.IdleCpuPercent is { } wi && wh.IdleCpuPercent is { } hi)
        {
            comparisons.Add(("idle target CPU", wi, hi, v => v.ToString("0.0", Inv) + " %"));
        }

        var better = comparisons.Count(c => c.Ws < 0.9 * c.Wh);
        var worse = comparisons.Count(c => c.Ws > 1.1 * c.Wh);
        var verdict = better == comparisons.Count ? ClaimVerdict.Holds
            : worse == comparisons.Count || better == 0 ? ClaimVerdict.DoesNotHold
            : ClaimVerdict.Depends;
        var text = string.Create(Inv, $"with {ws.Subscribers:N0} held (webhooks: registered endpoints), websocket vs webhook: ")
            + string.Join("; ", comparisons.Select(c => $"{c.Name} {c.Format(c.Ws)} vs {c.Format(c.Wh)}"))
            + "; single measurements, and a webhook endpoint holds no connection while idle";
        return new ClaimCheck(claim, verdict, text + ".", "connections");
    }

    private static ClaimCheck WebhookVolume(IReadOnlyList<ScenarioResult> r)
    {
        const string claim = "Webhooks can't handle large volumes of traffic";
        var sat = r.Where(x => x.Saturation is { Mode: "push" } && x.Variant == "default").ToList();
        if (sat.FirstOrDefault(x => x.Transport == Wh) is not { } wh)
        {
            return NotTested(claim, "push saturation search for webhook", "saturation");
        }

        var deliveries = wh.Saturation!.MaxSustainablePerSec * wh.Parameters.Subscribers;
        var ws = sat.FirstOrDefault(x => x.Transport == Ws);
        var text = string.Create(Inv, $"webhooks sustained {wh.Saturation.MaxSustainablePerSec:N0} events/s to"
            + $" {wh.Parameters.Subscribers:N0} endpoints ({deliveries:N0} signed POSTs/s, durably queued) within the"
            + $" {Formats.Milliseconds(wh.Saturation.SloP99Us)} p99 SLO, on"
            + $" {(ws is null ? "this machine" : "the same machine as the others")}");
        if (ws is not null && ws.Saturation!.MaxSustainablePerSec > 0)
        {
            text += string.Create(Inv, $"; websocket sustained {ws.Saturation.MaxSustainablePerSec:N0} events/s"
                + $" ({Formats.Ratio(ws.Saturation.MaxSustainablePerSec / Math.Max(1, wh.Saturation.MaxSustainablePerSec))} of webhooks)");
        }

        // "Can't handle" does not hold when they carried thousands a second; how large is too large depends on the volume.
        var verdict = ws is not null && wh.Saturation.MaxSustainablePerSec >= 0.5 * ws.Saturation!.MaxSustainablePerSec
            ? ClaimVerdict.DoesNotHold
            : ClaimVerdict.Depends;
        text += verdict == ClaimVerdict.Depends ? "; below that volume they handle it, above it they need more senders or cores" : "";
        return new ClaimCheck(claim, verdict, text + ".", "saturation");
    }

    private static ClaimCheck WebSocketReconnects(IReadOnlyList<ScenarioResult> r)
    {
        const string claim = "WebSocket has built-in reconnection and retrying";
        var faults = r.Where(x => x.Resilience is { } f && f.Fault is "restart" or "outage" or "drop" && x.Variant == "default").ToList();
        var ws = faults.Where(x => x.Transport == Ws).ToList();
        if (ws.Count == 0)
        {
            return NotTested(claim, "fault results for websocket", "Resilience");
        }

        var lost = ws.Sum(x => x.Resilience!.Lost);
        var text = "the WebSocket protocol (RFC 6455) has neither: Bench's own subscriber code reconnected ("
            + string.Join(", ", ws.Select(x => string.Create(Inv,
                $"{x.Resilience!.Fault}: {x.Resilience.ReconnectAttempts:N0} attempts, {x.Resilience.Lost:N0} events lost")))
            + "), and nothing re-sent what was lost";
        var others = faults.Where(x => x.Transport is not Ws and not Wh).GroupBy(x => x.Transport)
            .Select(g => string.Create(Inv, $"{g.Key} {g.Sum(x => x.Resilience!.Lost):N0} lost"
                + $" ({string.Join(", ", g.Select(x => x.Resilience!.Fault))})")).ToList();
        if (others.Count > 0)
        {
            text += "; clients with reconnection in their library or spec — SignalR's automatic reconnect, EventSource — fared: "
                + string.Join("; ", others);
        }

        return new ClaimCheck(claim, lost > 0 ? ClaimVerdict.DoesNotHold : ClaimVerdict.Depends, text + ".", "Resilience");
    }

    private static ClaimCheck WebhookRetries(IReadOnlyList<ScenarioResult> r)
    {
        const string claim = "HTTP/webhooks have no built-in retry and fail if the receiver is unavailable or overloaded";
        var wh = r
            .Where(x => x.Transport == Wh && x.Variant == "default" && x.Resilience is { Fault: "outage" or "overload" or "restart" })
            .ToList();
        if (wh.Count == 0)
        {
            return NotTested(claim, "webhook results for the outage or overload faults", "Resilience");
        }

        var lost = wh.Sum(x => x.Resilience!.Lost);
        var text = "HTTP itself has no retry, but a webhook sender is expected to retry (Standard Webhooks) and Bench's dispatcher does,"
            + " from a durable outbox: "
            + string.Join("; ", wh.Select(x => string.Create(Inv,
                $"{x.Resilience!.Fault}: {x.Resilience.Lost:N0} lost, {x.Resilience.WebhookRetries:N0} retries"
                    + $"{(Refused(x) is var refused and > 0 ? $", {refused:N0} answers of 503 with Retry-After" : "")}"
                    + $"{(x.Resilience.DrainMs is { } d ? $", backlog drained {Formats.Milliseconds(d * 1000)} after" : "")}")))
            + (wh.Any(x => x.Resilience!.Fault == "overload") ? "" : "; the overload fault (503 with Retry-After) was not run");
        return new ClaimCheck(claim, lost == 0 ? ClaimVerdict.DoesNotHold : ClaimVerdict.Depends, text + ".", "Resilience");
    }

    /// <summary>The answers of 503 or 429 a webhook case met: the receiver refusing, for now.</summary>
    private static long Refused(ScenarioResult x) => x.ErrorsByKind
        .Where(kv => kv.Key.Contains("503", StringComparison.Ordinal) || kv.Key.Contains("429", StringComparison.Ordinal))
        .Sum(kv => kv.Value);

    private static ClaimCheck PersistentConnection(IReadOnlyList<ScenarioResult> r)
    {
        const string claim = "A persistent connection avoids the cost of frequent HTTP requests";
        var ws = Find(r, "push", Ws);
        var wh = Find(r, "push", Wh);
        if (ws is null || wh is null || MarginalCost.Of(ws) is not { } a || MarginalCost.Of(wh) is not { } b)
        {
            return NotTested(claim, "marginal CPU per delivery (push, with its cost probe) for both websocket and webhook", "push");
        }

        var sign = 0;
        var interval = "";
        if (MarginalCost.Replicates(wh) is { } rb && MarginalCost.Replicates(ws) is { } ra)
        {
            var (low, high) = BlockBootstrap.Interval(BlockBootstrap.Ratio(rb, ra));
            sign = low > 1.05 ? 1 : high < 0.95 ? -1 : 0;
            interval = $" [{Range(low, high)}]";
        }

        var text = string.Create(Inv, $"sender CPU per delivery (marginal): websocket {a.CpuUsPerDelivery:N1} µs, webhook"
            + $" {b.CpuUsPerDelivery:N1} µs ({Formats.Ratio(b.CpuUsPerDelivery / Math.Max(0.001, a.CpuUsPerDelivery))}{interval})");
        var wsWire = Find(r, "overhead", Ws);
        var whWire = Find(r, "overhead", Wh, x => wsWire is not null && x.Wire?.PayloadBytes == wsWire.Wire?.PayloadBytes);
        if (wsWire?.Wire is { } w1 && whWire?.Wire is { } w2)
        {
            text += string.Create(Inv, $"; bytes per delivery {w1.TotalBytesPerEvent:N0} B vs {w2.TotalBytesPerEvent:N0} B at"
                + $" {w1.PayloadBytes:N0} B payload");
        }

        text += "; the webhook figures are with kept-alive HTTP connections (each endpoint its own), so no new connection per request";
        var verdict = sign > 0 ? ClaimVerdict.Holds : sign < 0 ? ClaimVerdict.DoesNotHold : ClaimVerdict.Depends;
        return new ClaimCheck(claim, verdict, text + ".", "push, wire");
    }

    private static ClaimCheck WebhookServerLoad(IReadOnlyList<ScenarioResult> r)
    {
        const string claim = "Webhooks put less load on the server";
        var comparisons = new List<(string Name, double Ws, double Wh, string Text)>();
        if (Find(r, "push", Ws) is { } pws && Find(r, "push", Wh) is { } pwh
            && MarginalCost.Of(pws) is { } a && MarginalCost.Of(pwh) is { } b)
        {
            comparisons.Add(("CPU per delivery", a.CpuUsPerDelivery, b.CpuUsPerDelivery,
                string.Create(Inv, $"CPU per delivery {a.CpuUsPerDelivery:N1} µs vs {b.CpuUsPerDelivery:N1} µs")));
        }

        if (Find(r, "connections", Ws)?.Connections is { } cws && Find(r, "connections", Wh)?.Connections is { } cwh)
        {
            if (cws.IdleCpuPercent is { } i1 && cwh.IdleCpuPercent is { } i2)
            {
                comparisons.Add(("idle CPU", i1, i2,
                    string.Create(Inv, $"idle CPU with {cws.Subscribers:N0} subscribers {i1:0.0} % vs {i2:0.0} %")));
            }

            if (cws.Memory.Count > 0 && cwh.Memory.Count > 0)
            {
                comparisons.Add(("memory", cws.Memory[^1].RssKiBPerSubscriber, cwh.Memory[^1].RssKiBPerSubscriber,
                    string.Create(Inv, $"memory per subscriber {cws.Memory[^1].RssKiBPerSubscriber:N1} KiB vs"
                        + $" {cwh.Memory[^1].RssKiBPerSubscriber:N1} KiB")));
            }
        }

        if (comparisons.Count == 0)
        {
            return NotTested(
                claim,
                "push (with its cost probe) or connections results for both websocket and webhook",
                "push, connections");
        }

        // Holds if webhooks cost the sender clearly less on every count; does not hold if on none (more, or within 10 %).
        var less = comparisons.Count(c => c.Wh < 0.9 * c.Ws);
        var verdict = less == comparisons.Count ? ClaimVerdict.Holds : less == 0 ? ClaimVerdict.DoesNotHold : ClaimVerdict.Depends;
        var text = "the sending server (the hub for websocket, the dispatcher for webhooks), websocket vs webhook: "
            + string.Join("; ", comparisons.Select(c => c.Text))
            + "; the receivers' own cost is on the subscribers' side and not in these figures";
        return new ClaimCheck(claim, verdict, text + ".", "push, connections");
    }
}
