using System.Globalization;
using System.Text;
using Bench.Reports.Metrics;
using Bench.Reports.Model;

namespace Bench.Reports.Markdown;

/// <summary>
/// "push (source: server)": systems that published on their own while Bench only subscribed — accounting by their
/// sequence numbers, deliveries a second and inter-arrival times always, latency only from a timestamp of theirs.
/// </summary>
internal sealed class ServerFeedSection : IReportSection
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private const string NotMeasured = "not measured";

    public string Title => "push (source: server)";

    public bool IsAvailable(ReportContext report) => report.Measured.Results.Any(r => r.ServerFeed is not null);

    public void Render(StringBuilder sb, ReportContext report)
    {
        var results = report.MeasuredWith(r => r.ServerFeed is not null);
        sb.AppendLine("## push (source: server)");
        sb.AppendLine();
        sb.AppendLine(MarkdownText.Escape(results[0].Description));
        sb.AppendLine();
        var p = results[0].Parameters;
        sb.Append(Inv, $"Load: the system's own. {p.Subscribers:N0} subscriber(s); {p.WarmupSec:0.#} s warm-up (excluded) + ")
            .AppendLine(Inv, $"{p.DurationSec:0.#} s measured. Bench published nothing.");
        sb.AppendLine();
        var table = new MarkdownTable("target", "sent", "delivered", "lost", "duplicated", "out of order", "deliveries/s",
            "inter-arrival p50", "inter-arrival p99", "latency p50", "latency p99", "latency max");
        foreach (var r in results)
        {
            var c = r.Counts;
            var feed = r.ServerFeed!;
            var gap = feed.InterArrivalUs;
            table.Row(MarkdownText.Escape(r.Transport), N(c.Sent), N(c.Delivered), N(c.Lost), N(c.Duplicated), N(c.OutOfOrder),
                feed.DeliveriesPerSec.ToString("N1", Inv), Ms(gap.Count, gap.P50), Ms(gap.Count, gap.P99),
                Latency(r, r.LatencyUs.P50), Latency(r, r.LatencyUs.P99), Latency(r, r.LatencyUs.Max));
        }

        table.WriteTo(sb);
        foreach (var r in results)
        {
            var feed = r.ServerFeed!;
            sb.AppendLine(Inv, $"- **{MarkdownText.Escape(r.Transport)}**: sequence at `{feed.Sequence}`; latency: " +
                $"{MarkdownText.Escape(feed.Latency)}.");
        }

        sb.AppendLine();
        sb.AppendLine("How it is counted: " + ServerFeedSummary.SentDefinition + ". Inter-arrival is the time between consecutive " +
            "messages at one subscriber, repeats included.");
        sb.AppendLine();
    }

    private static string N(long value) => value.ToString("N0", Inv);

    private static string Ms(long count, long micros) => count == 0 ? NotMeasured : Formats.Milliseconds(micros);

    private static string Latency(ScenarioResult r, long micros) =>
        r.ServerFeed!.LatencyMeasured ? Ms(r.LatencyUs.Count, micros) : NotMeasured;
}
