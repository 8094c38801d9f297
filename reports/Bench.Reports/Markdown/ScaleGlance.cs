using System.Globalization;
using System.Text;
using Bench.Reports.Metrics;
using Bench.Reports.Model;

namespace Bench.Reports.Markdown;

/// <summary>At a glance's "Scale and cost": the headline figures of the scale scenarios, per transport, with which is better.</summary>
internal static class ScaleGlance
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private const string Interleaved = "CPU per delivery is marginal: the slope between the full-rate blocks and the half-rate "
        + "blocks of the same rounds, at the scenario's fan-out, from the target threads' scheduler time, with a 95 % interval "
        + "over launches and rounds (see the push and wire sections); the other rows are single measurements.";

    private const string Probed = "CPU per delivery is marginal: the slope between the measured window and the half-rate cost "
        + "probe after it, at the scenario's fan-out, with a 95 % interval over their seconds (see the push and wire sections); "
        + "the other rows are single measurements.";

    private sealed record Row(
        string Name,
        string Metric,
        Func<ScenarioResult, double?> Value,
        Func<double, string> Format,
        bool HigherIsBetter,
        Func<ScenarioResult, bool> Pick,
        Func<ScenarioResult, double[]?>? Replicates = null);

    public static IReadOnlyList<RowOutcome> Write(StringBuilder sb, IReadOnlyList<ScenarioResult> results, string reference)
    {
        var rows = Rows(results);
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
        sb.AppendLine(results.Any(r => r.Blocks.Any(b => b.Load == BlockFigures.Half)) ? Interleaved : Probed);
        sb.AppendLine();
        return table.Outcomes;
    }

    private static List<Row> Rows(IReadOnlyList<ScenarioResult> results)
    {
        static string Micros(double v) => MarginalCostTable.Micros(v);
        var rows = new List<Row>();
        if (results.Any(r => r.Scenario == "push" && r.Variant == "default" && Stats.MarginalCost.Of(r) is not null))
        {
            rows.Add(new("push", "target CPU per delivery (marginal)", r => Stats.MarginalCost.Of(r)?.CpuUsPerDelivery, Micros, false,
                r => r.Scenario == "push" && r.Variant == "default", Stats.MarginalCost.Replicates));
        }

        foreach (var mode in results.Where(r => r.Saturation is not null).Select(r => r.Saturation!.Mode).Distinct())
        {
            rows.Add(new($"saturation ({mode})", "max sustainable rate", r => r.Saturation!.MaxSustainablePerSec,
                v => v.ToString("N0", Inv) + "/s", true, r => r.Saturation?.Mode == mode && r.Variant == "default"));
        }

        if (results.Any(r => r.Connections is not null))
        {
            static bool Held(ScenarioResult r) => r.Connections is not null;
            rows.Add(new("connections", "target RSS per subscriber",
                r => r.Connections!.Memory.Count > 0 ? r.Connections.Memory[^1].RssKiBPerSubscriber : null,
                v => v.ToString("N1", Inv) + " KiB", false, Held));
            rows.Add(new("connections", "idle target CPU", r => r.Connections!.IdleCpuPercent,
                v => v.ToString("0.00", Inv) + " %", false, Held));
            rows.Add(new("connections", "fan-out to all, p50", r => r.Connections!.FanOut[^1].P50Us,
                Formats.Milliseconds, false, Held));
        }

        var size = results.Where(r => r.Wire is not null).Select(r => r.Wire!.PayloadBytes)
            .OrderBy(b => Math.Abs(b - 1024)).FirstOrDefault();
        if (size > 0)
        {
            var sizeText = size.ToString("N0", Inv) + " B payload";
            bool Sized(ScenarioResult r) => r.Wire?.PayloadBytes == size && r.Variant == "default";
            rows.Add(new("overhead", $"bytes per event ({sizeText})",
                r => r.Wire!.ToSubscriberBytesPerEvent + r.Wire.FromSubscriberBytesPerEvent,
                v => v.ToString("N0", Inv) + " B", false, Sized));
            rows.Add(new("overhead", $"target CPU per event ({sizeText})", r => r.Wire!.TargetCpuUsPerEvent, Micros, false, Sized,
                Stats.MarginalCost.Replicates));
        }

        return rows;
    }
}
