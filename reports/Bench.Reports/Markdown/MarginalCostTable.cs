using System.Globalization;
using System.Text;
using Bench.Reports.Model;

namespace Bench.Reports.Markdown;

/// <summary>
/// Push's cost table: each transport's marginal CPU per delivery with its interval, the target's fixed CPU, and the
/// plain average (CPU ÷ deliveries) that start-up and idle work inflate at low rates.
/// </summary>
internal static class MarginalCostTable
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    private const string Interleaved = "Marginal: the target's extra CPU per extra delivery between the full-rate blocks and the "
        + "half-rate blocks run beside them in the same rounds. ";

    private const string Probed = "Marginal: the target's extra CPU per extra delivery between the last seconds of the measured "
        + "window and the half-rate cost probe after it (the probe's first second left out). ";

    private const string Meaning = "It is a cost per delivery at this fan-out: what each published event costs (receiving it, "
        + "the broadcast) is shared among its subscribers. Fixed: what the target burns at this load beyond that — timers, "
        + "keep-alives, idle thread-pool spinning, the connections it holds — so the average, which divides everything by the "
        + "deliveries, overstates the cost of an event at low rates.";

    /// <summary>Microseconds, one decimal below 10.</summary>
    public static string Micros(double v) => v.ToString(v < 10 ? "N1" : "N0", Inv) + " µs";

    public static void Write(StringBuilder sb, IReadOnlyList<ScenarioResult> results)
    {
        var costed = results.Select(r => (Result: r, Cost: Stats.MarginalCost.Of(r))).Where(x => x.Cost is not null).ToList();
        var failed = results.Select(r => (Result: r, Problem: Stats.MarginalCost.Problem(r))).Where(x => x.Problem is not null).ToList();
        if (costed.Count == 0 && failed.Count == 0)
        {
            return;
        }

        sb.AppendLine("### Target CPU per delivery");
        sb.AppendLine();
        var table = new MarkdownTable(
            "transport", "marginal", "95 % interval", "fixed CPU", "loads compared", "average (CPU ÷ deliveries)");
        foreach (var (r, c) in costed)
        {
            table.Row(MarkdownReport.Label(r), Micros(c!.CpuUsPerDelivery),
                c.Low is { } lo && c.High is { } hi ? $"{Micros(lo)} – {Micros(hi)}" : "too few seconds",
                c.FixedCorePercent.ToString("0.0", Inv) + " % of a core",
                string.Create(Inv, $"{c.LowDeliveriesPerSec:N0}/s ({c.LowSeconds} s) vs {c.HighDeliveriesPerSec:N0}/s ({c.HighSeconds} s)"),
                Average(r));
        }

        foreach (var (r, problem) in failed)
        {
            table.Row(MarkdownReport.Label(r), "–", problem!, "–", "–", Average(r));
        }

        table.WriteTo(sb);
        sb.AppendLine((results.Any(r => r.Blocks.Any(b => b.Load == BlockFigures.Half)) ? Interleaved : Probed) + Meaning);
        sb.AppendLine();
    }

    private static string Average(ScenarioResult r) =>
        r.Target.Measured && r.Counts.Delivered > 0 ? Micros(r.Target.CpuSeconds * 1e6 / r.Counts.Delivered) : "–";
}
