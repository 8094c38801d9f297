using System.Globalization;
using System.Text;
using Bench.Reports.Charts;
using Bench.Reports.Metrics;

namespace Bench.Reports.Markdown;

/// <summary>"connections": subscribers held, connect times, memory and idle CPU per subscriber, fan-out time by size.</summary>
internal sealed class ConnectionsSection : IReportSection
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private const string NotMeasured = "not measured";

    private const string Subscribers = "A WebSocket subscriber is an open connection; a webhook subscriber is a registered endpoint "
        + "(its connections are pooled by the dispatcher and opened only to deliver). For webhooks, \"opened per second\" is "
        + "registrations a second and connect time does not apply.";

    private const string PerSubscriber = "Memory per subscriber is the target's growth over the same target with none, after a full "
        + "garbage collection, divided by the subscribers; at 100 the process's own fluctuations weigh as much as the subscribers. "
        + "Harness RSS per subscriber is the same reading of Bench's own process, the side that holds the subscribers (with "
        + "`--agents`, the Agents table gives each agent's RSS instead); \"below its start\" means the process gave back more "
        + "memory from earlier cases than the subscribers took, so the reading says nothing per subscriber. Fan-out time runs "
        + "from an event's publish until the last subscriber has read it; with few broadcasts, p99 is close to their maximum.";

    public string Title => "connections";

    public bool IsAvailable(ReportContext report) => report.Measured.Results.Any(r => r.Connections is not null);

    public void Render(StringBuilder sb, ReportContext report)
    {
        var results = report.MeasuredWith(r => r.Connections is not null);
        sb.AppendLine("## connections");
        sb.AppendLine();
        sb.AppendLine(MarkdownText.Escape(results[0].Description));
        sb.AppendLine();
        var table = new MarkdownTable("transport", "subscribers held", "failed", "connect p50", "connect p99", "opened per second",
            "source addresses", "RSS per subscriber", "managed heap per subscriber", "idle target CPU", "keep-alive");
        foreach (var r in results)
        {
            var c = r.Connections!;
            var last = c.Memory.Count > 0 ? c.Memory[^1] : null;
            table.Row(MarkdownReport.Label(r), c.Subscribers.ToString("N0", Inv), c.Failed.ToString("N0", Inv),
                c.ConnectP50Us is { } p50 ? Formats.Milliseconds(p50) : "–",
                c.ConnectP99Us is { } p99 ? Formats.Milliseconds(p99) : "–",
                c.OpenedPerSec.ToString("N0", Inv), c.SourceAddresses.ToString(Inv),
                last is null ? NotMeasured : last.RssKiBPerSubscriber.ToString("N1", Inv) + " KiB",
                last is null ? NotMeasured : last.ManagedKiBPerSubscriber.ToString("N1", Inv) + " KiB",
                c.IdleCpuPercent is { } idle ? string.Create(Inv, $"{idle:0.00} % over {c.IdleSec:0} s") : NotMeasured,
                c.KeepAliveSec > 0 ? string.Create(Inv, $"every {c.KeepAliveSec:0} s per connection") : "none (HTTP)");
        }

        table.WriteTo(sb);
        sb.AppendLine(Subscribers);
        sb.AppendLine();

        sb.AppendLine("### Memory and fan-out by size");
        sb.AppendLine();
        var sizes = new MarkdownTable("transport", "subscribers", "target RSS", "managed heap", "RSS per subscriber",
            "managed per subscriber", "harness RSS per subscriber", "fan-out p50", "fan-out p99", "fan-out max", "broadcasts",
            "incomplete");
        foreach (var r in results)
        {
            var c = r.Connections!;
            foreach (var f in c.FanOut)
            {
                // A target Bench cannot see (a target file without a process id) has fan-out times but no memory.
                var m = c.Memory.FirstOrDefault(x => x.Subscribers == f.Subscribers);
                var harness = m?.HarnessRssKiBPerSubscriber is { } h
                    ? (h >= 0 ? h.ToString("N1", Inv) + " KiB" : "below its start")
                    : r.Distribution is not null ? "in agents" : NotMeasured;
                sizes.Row(MarkdownReport.Label(r), f.Subscribers.ToString("N0", Inv),
                    m is null ? NotMeasured : m.RssMiB.ToString("N1", Inv) + " MiB",
                    m is null ? NotMeasured : m.ManagedMiB.ToString("N1", Inv) + " MiB",
                    m is null ? NotMeasured : m.RssKiBPerSubscriber.ToString("N1", Inv) + " KiB",
                    m is null ? NotMeasured : m.ManagedKiBPerSubscriber.ToString("N1", Inv) + " KiB",
                    harness, Formats.Milliseconds(f.P50Us), Formats.Milliseconds(f.P99Us), Formats.Milliseconds(f.MaxUs),
                    f.Broadcasts.ToString(Inv), f.Incomplete.ToString(Inv));
            }
        }

        sizes.WriteTo(sb);
        sb.AppendLine(PerSubscriber);
        sb.AppendLine();
        sb.AppendLine(Inv, $"![connections: memory per subscriber and fan-out time against subscribers](charts/{ChartNames.Connections})");
        sb.AppendLine();
    }
}
