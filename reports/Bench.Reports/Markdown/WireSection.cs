using System.Globalization;
using System.Text;
using Bench.Reports.Charts;
using Bench.Reports.Metrics;
using Bench.Reports.Model;

namespace Bench.Reports.Markdown;

/// <summary>"wire" (overhead): bytes and CPU per delivered event, per transport, variant and payload, beside push's cost.</summary>
internal sealed class WireSection : IReportSection
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private const string Counting = "Bytes are counted on the subscribers' sockets above TCP (IP/TCP headers and bare ACKs are not "
        + "included), warm-up included, divided by every distinct delivery; CPU is over the measured window.";

    private const string Columns = "To subscriber: the target's bytes per delivered event (WebSocket frames, or the HTTP request "
        + "with its headers); from subscriber: what comes back (HTTP responses; pongs). Handshakes — TLS, and the WebSocket "
        + "upgrade — are counted apart; a TCP handshake is invisible to a stream. Total per event includes handshakes, so `cold` "
        + "(a new connection per delivery) pays its connections there. Compression ratio: bytes to the subscriber without "
        + "compression ÷ with it, same transport, payload and other variants. CPU is per delivered event: the target process's, "
        + "and the harness's (which hosts the subscribers).";

    public string Title => "wire";

    public bool IsAvailable(ReportContext report) => report.Measured.Results.Any(r => r.Wire is not null);

    public void Render(StringBuilder sb, ReportContext report)
    {
        var results = report.MeasuredWith(r => r.Wire is not null);
        sb.AppendLine("## wire");
        sb.AppendLine();
        sb.AppendLine(MarkdownText.Escape(results[0].Description));
        sb.AppendLine();
        var p = results[0].Parameters;
        sb.Append(Inv, $"Load: {p.RatePerSec:N0} events/s to {p.Subscribers:N0} subscribers, ")
            .Append(Inv, $"{p.WarmupSec:0.#} s warm-up + {p.DurationSec:0.#} s measured per row. ")
            .AppendLine(Counting);
        sb.AppendLine();
        var table = new MarkdownTable("transport", "payload", "event body", "to subscriber", "from subscriber", "total per event",
            "handshake per connection", "connections", "compression ratio", "target CPU", "harness CPU");
        var ordered = results.OrderBy(r => r.Transport, StringComparer.Ordinal).ThenBy(r => r.Variant, StringComparer.Ordinal)
            .ThenBy(r => r.Wire!.PayloadBytes);
        foreach (var r in ordered)
        {
            var w = r.Wire!;
            table.Row(MarkdownReport.Label(r), w.PayloadBytes.ToString("N0", Inv) + " B", w.EnvelopeBytes.ToString("N0", Inv) + " B",
                w.ToSubscriberBytesPerEvent.ToString("N1", Inv) + " B", w.FromSubscriberBytesPerEvent.ToString("N1", Inv) + " B",
                w.TotalBytesPerEvent.ToString("N1", Inv) + " B", w.HandshakeBytesPerConnection.ToString("N0", Inv) + " B",
                w.Connections.ToString("N0", Inv), CompressionRatio(r, results) is { } ratio ? Formats.Ratio(ratio) : "–",
                w.TargetCpuUsPerEvent is { } cpu ? cpu.ToString("N0", Inv) + " µs" : "not measured",
                w.HarnessCpuUsPerEvent.ToString("N0", Inv) + " µs");
        }

        table.WriteTo(sb);
        WriteCostAgreement(sb, results, report.MeasuredWith(r => r.Scenario == "push"));
        sb.AppendLine(Columns);
        sb.AppendLine();
        sb.AppendLine(Inv, $"![bytes on the wire per delivered event](charts/{ChartNames.Wire})");
        sb.AppendLine();
    }

    /// <summary>
    /// Whether overhead's marginal CPU per event agrees with push's per delivery, transport by transport (intervals overlap).
    /// </summary>
    private static void WriteCostAgreement(StringBuilder sb, IReadOnlyList<ScenarioResult> wire, IReadOnlyList<ScenarioResult> pushResults)
    {
        static string Micros(double v) => MarginalCostTable.Micros(v);
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
            lines.Add(string.Create(Inv, $"{r.Transport} ({r.Wire!.PayloadBytes:N0} B): ")
                + $"{Micros(mine.CpuUsPerDelivery)} [{Micros(lo)} – {Micros(hi)}] here, "
                + $"{Micros(push.CpuUsPerDelivery)} [{Micros(pushLow)} – {Micros(pushHigh)}] in push — "
                + (agree ? "they agree (the intervals overlap)" : "they disagree (the intervals do not overlap)"));
        }

        if (lines.Count > 0)
        {
            var (o, q) = (wire[0].Parameters, pushResults[0].Parameters);
            var sameLoad = o.RatePerSec == q.RatePerSec && o.Subscribers == q.Subscribers;
            var here = string.Create(Inv, $"{o.RatePerSec:N0} events/s to {o.Subscribers:N0} subscribers");
            sb.AppendLine("Target CPU here is marginal, as in push, and the two are measured on separate targets "
                + (sameLoad
                    ? $"at the same load ({here}) with different payloads, so agreement checks the method: "
                    : string.Create(Inv, $"at different loads ({here} here, {q.RatePerSec:N0} to {q.Subscribers:N0} in push): ")
                        + "each event's own cost is shared among its subscribers, so they need not agree: ")
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
        var baseline = all.FirstOrDefault(
            x => x.Transport == r.Transport && x.Variant == plain && x.Wire!.PayloadBytes == r.Wire!.PayloadBytes);
        return baseline is not null && r.Wire!.ToSubscriberBytesPerEvent > 0
            ? baseline.Wire!.ToSubscriberBytesPerEvent / r.Wire.ToSubscriberBytesPerEvent
            : null;
    }
}
