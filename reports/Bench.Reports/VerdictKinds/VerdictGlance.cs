using System.Globalization;
using System.Text;
using Bench.Reports.Markdown;

namespace Bench.Reports.VerdictKinds;

/// <summary>
/// At a glance's table of the figures the verdict gives for faults, storms, saturation and connections: one row per
/// case and figure, one column per transport, and what the row reads as. Only what ran has a row.
/// </summary>
internal static class VerdictGlance
{
    private static readonly string Legend = "Each figure is one measurement: the lowest or highest is named, never as a winner, "
        + string.Create(CultureInfo.InvariantCulture, $"and figures within {GlanceTable.TieBand * 100:0} % of each other are a tie. ")
        + "– is a figure this case did not have.";

    private const string Losses = " Losses are exact counts of this run.";

    /// <summary>Writes the table, under <paramref name="heading"/> when given; false when there was nothing to write.</summary>
    public static bool Write(StringBuilder sb, VerdictInput input, string? heading)
    {
        var rows = ScenarioVerdicts.Of(input).SelectMany(v => v.Glance(input)).Where(r => r.Cells.Count > 0).ToList();
        if (rows.Count == 0)
        {
            return false;
        }

        var transports = input.Transports.Where(t => rows.Any(r => r.Cells.ContainsKey(t))).ToList();
        if (heading is not null)
        {
            sb.AppendLine(heading);
            sb.AppendLine();
        }

        var table = new MarkdownTable(["case", "figure", .. transports, "reading"]);
        foreach (var row in rows)
        {
            var cells = transports.Select(t => row.Cells.GetValueOrDefault(t, "–"));
            table.Row([row.Case, row.Figure, .. cells, row.Reading.Length > 0 ? row.Reading : "–"]);
        }

        table.WriteTo(sb);
        sb.AppendLine(Legend + (rows.Any(r => r.Figure == FaultVerdict.LostFigure) ? Losses : ""));
        sb.AppendLine();
        return true;
    }
}
