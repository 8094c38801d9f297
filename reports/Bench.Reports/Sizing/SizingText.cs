using System.Globalization;
using System.Text;

namespace Bench.Reports.Sizing;

/// <summary>Sizing as Markdown: the workload, then one table per transport (quantity, need, interval, from) and its warnings.</summary>
public static class SizingText
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(Workload w, IReadOnlyList<TransportSizing> sizings, string source, int level = 2)
    {
        var sb = new StringBuilder();
        var h = new string('#', level);
        sb.AppendLine(CultureInfo.InvariantCulture, $"{h} Sizing: {w.RatePerSec:N0} events/s to {w.Subscribers:N0} subscribers,"
            + $" {w.PayloadBytes:N0} B payload, {w.RttMs:N0} ms round trip, guarantee: {w.Guarantee}");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"{w.DeliveriesPerSec:N0} deliveries a second, from the marginal costs measured in"
            + $" {source}. Intervals are 95 %, carried from the marginal CPU's; figures without one rest on a single measurement. Lines"
            + $" are straight: nothing here models queueing, GC pauses or contention at a scale not measured.");
        sb.AppendLine();
        foreach (var s in sizings)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"{h}# {s.Transport}{(s.Guarantee is null ? "" : " — " + s.Guarantee)}");
            sb.AppendLine();
            var table = new Markdown.MarkdownTable("quantity", "need", "95 % interval", "from") { Numeric = false };
            Row(table, "cores", s.Cores, v => v.ToString("N2", Inv));
            Row(table, "memory", s.MemoryMiB, v => v.ToString("N0", Inv) + " MiB");
            Row(table, "bandwidth", s.BandwidthMbps, v => v.ToString("N1", Inv) + " Mbit/s");
            Row(table, "connections", s.Connections, v => v.ToString("N0", Inv));
            table.WriteTo(sb);
            foreach (var warning in s.Warnings)
            {
                sb.AppendLine(Warnings.WarningMarkdown.SizingItem(warning));
            }

            if (s.Warnings.Count > 0)
            {
                sb.AppendLine();
            }
        }

        return sb.ToString().ReplaceLineEndings("\n");
    }

    private static void Row(Markdown.MarkdownTable table, string name, Need? need, Func<double, string> format)
    {
        if (need is null)
        {
            table.Row(name, "not measured", "–", "this run has no scenario that measures it");
            return;
        }

        var range = need.Low is { } lo && need.High is { } hi ? $"{format(lo)} – {format(hi)}" : "–";
        table.Row(name, format(need.Value), range, need.From);
    }
}
