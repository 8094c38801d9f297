using System.Globalization;
using System.Text;
using Bench.Reports.Charts;
using Bench.Reports.Metrics;
using Bench.Reports.Model;

namespace Bench.Reports.Markdown;

/// <summary>The report's "Resilience" section: per fault, a table of transports × variants, how each behaves, and a timeline.</summary>
internal static class ResilienceSection
{
    public static void Write(StringBuilder sb, IReadOnlyList<ScenarioResult> results)
    {
        if (results.Count == 0)
        {
            return;
        }

        sb.AppendLine("## Resilience");
        sb.AppendLine();
        sb.AppendLine("One fault at a time, injected 5 s into a push load, through a fault proxy between the target and its subscribers. "
            + "*detect*: from the fault to the first sign of it anywhere on the delivery path (a subscriber's disconnect, "
            + "a refused publish, a failed delivery); "
            + "*recover*: from the end of the fault until every affected subscriber had a delivery again; "
            + "*lost*: accepted by the target, never received; "
            + "*delay* and *backlog drained*: for the events published from the fault until recovery. – means not observed.");
        sb.AppendLine();
        foreach (var group in results.GroupBy(r => r.Resilience!.Fault))
        {
            var first = group.First().Resilience!;
            sb.AppendLine(CultureInfo.InvariantCulture, $"### {group.Key}");
            sb.AppendLine();
            if (first.FaultDescription.Length > 0)
            {
                var description = char.ToUpperInvariant(first.FaultDescription[0]) + first.FaultDescription[1..];
                var at = first.StartSec.ToString("0.##", CultureInfo.InvariantCulture);
                sb.AppendLine(CultureInfo.InvariantCulture, $"{MarkdownText.Escape(description)}, at t = {at} s.");
                sb.AppendLine();
            }

            var table = new MarkdownTable(["transport", .. MetricCatalog.ResilienceTable.Select(m => m.Header)]);
            foreach (var r in group)
            {
                table.Row([MarkdownReport.Label(r), .. MetricCatalog.ResilienceTable.Select(m => m.Format(r))]);
            }

            table.WriteTo(sb);
            foreach (var r in group)
            {
                var x = r.Resilience!;
                var own = x.PublishedWhileAway is { } away && x.TargetCountedUndelivered is { } counted
                    ? string.Create(CultureInfo.InvariantCulture, $" By the hub's sequence numbers, {away:N0} events were published while"
                        + $" subscribers were away; the hub itself knew of {counted:N0} it could not hand over"
                        + $"{(counted < x.Lost ? " (the rest it wrote into connections that were already dead)" : "")}.")
                    : "";
                if (x.PendingAtKill is { } pendingAtKill)
                {
                    own += string.Create(CultureInfo.InvariantCulture, $" Just before the kill the dispatcher had {pendingAtKill:N0}"
                        + $" deliveries pending.");
                }

                sb.AppendLine(CultureInfo.InvariantCulture, $"- {MarkdownReport.Label(r)}: {x.Behaviour}.{own}");
            }

            sb.AppendLine();
            WriteStorm(sb, [.. group.Where(r => r.Resilience!.Storm is not null)]);
            sb.AppendLine(CultureInfo.InvariantCulture, $"![fault {group.Key}: p99 latency and deliveries over time]"
                + $"(charts/{ChartNames.FaultTimeline(group.Key)})");
            sb.AppendLine();
        }
    }

    /// <summary>
    /// The storm's own table and chart: how long until everyone was back, how hard they came back, what it cost the
    /// target.
    /// </summary>
    private static void WriteStorm(StringBuilder sb, IReadOnlyList<ScenarioResult> storms)
    {
        if (storms.Count == 0)
        {
            return;
        }

        var inv = CultureInfo.InvariantCulture;
        var table = new MarkdownTable(
            "transport",
            "subscribers",
            "watched",
            "all back after",
            "peak reconnects or retries",
            "lost",
            "redelivered",
            "peak target CPU",
            "peak target RSS");
        foreach (var r in storms)
        {
            var s = r.Resilience!.Storm!;
            table.Row(MarkdownReport.Label(r), s.Subscribers.ToString("N0", inv),
                s.Watched == "pending" ? "deliveries pending" : "subscribers connected",
                s.AllBackMs is { } back ? Formats.Milliseconds(back * 1000) : "not within the run",
                s.PeakAttemptsPerSec.ToString("N0", inv) + "/s",
                r.Resilience.Lost.ToString("N0", inv), r.Resilience.Duplicated.ToString("N0", inv),
                s.PeakTargetCpuPercent.ToString("0.0", inv) + " %", s.PeakRssMiB.ToString("N0", inv) + " MiB");
        }

        table.WriteTo(sb);
        sb.AppendLine("All back: from the end of the fault (the target up again, or the receivers back) until the target held every"
            + " subscriber again — or, for webhooks, until the dispatcher had nothing pending. Reconnects or retries: attempts a second,"
            + " the peak of 200 ms samples. CPU: the peak second, as a share of the machine; RSS: the target's peak.");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"![reconnect storm: subscribers connected and deliveries pending over time]"
            + $"(charts/{ChartNames.Storm})");
        sb.AppendLine();
    }
}
