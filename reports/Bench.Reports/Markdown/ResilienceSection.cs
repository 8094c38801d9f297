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
            + "*detect*: from the fault to the first sign of it anywhere on the delivery path (a subscriber's disconnect, a refused publish, a failed delivery); "
            + "*recover*: from the end of the fault until every affected subscriber had a delivery again; *lost*: accepted by the target, never received; "
            + "*delay* and *backlog drained*: for the events published from the fault until recovery. – means not observed.");
        sb.AppendLine();
        foreach (var group in results.GroupBy(r => r.Resilience!.Fault))
        {
            var first = group.First().Resilience!;
            sb.AppendLine(CultureInfo.InvariantCulture, $"### {group.Key}");
            sb.AppendLine();
            if (first.FaultDescription.Length > 0)
            {
                sb.AppendLine(CultureInfo.InvariantCulture, $"{char.ToUpperInvariant(first.FaultDescription[0])}{first.FaultDescription[1..]}, at t = {first.StartSec.ToString("0.##", CultureInfo.InvariantCulture)} s.");
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
                    ? string.Create(CultureInfo.InvariantCulture, $" By the hub's sequence numbers, {away:N0} events were published while subscribers were away; the hub itself knew of {counted:N0} it could not hand over{(counted < x.Lost ? " (the rest it wrote into connections that were already dead)" : "")}.")
                    : "";
                if (x.PendingAtKill is { } pendingAtKill)
                {
                    own += string.Create(CultureInfo.InvariantCulture, $" Just before the kill the dispatcher had {pendingAtKill:N0} deliveries pending.");
                }

                sb.AppendLine(CultureInfo.InvariantCulture, $"- {MarkdownReport.Label(r)}: {x.Behaviour}.{own}");
            }

            sb.AppendLine();
            sb.AppendLine(CultureInfo.InvariantCulture, $"![fault {group.Key}: p99 latency and deliveries over time](charts/{ChartNames.FaultTimeline(group.Key)})");
            sb.AppendLine();
        }
    }
}
