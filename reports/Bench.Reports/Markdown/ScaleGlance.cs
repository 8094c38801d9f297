using System.Globalization;
using System.Text;
using Bench.Reports.Model;

namespace Bench.Reports.Markdown;

/// <summary>
/// At a glance's "Scale and cost": push's marginal CPU per delivery and overhead's bytes and CPU per event, per transport,
/// with which is better. Saturation and connections give their figures through their verdicts (VerdictKinds/).
/// </summary>
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
