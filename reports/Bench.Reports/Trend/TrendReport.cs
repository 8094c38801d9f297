using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Bench.Reports.Charts;
using Bench.Reports.Gate;
using Bench.Reports.Markdown;
using Bench.Reports.Metrics;
using Bench.Reports.Model;
using ScottPlot;

namespace Bench.Reports.Trend;

/// <summary>One stored run in a trend: its label (the commit, else the run id), where it came from, and what its gate flagged.</summary>
/// <param name="Label">The commit the run was made from, else its run id.</param>
/// <param name="Source">The file or folder it was read from.</param>
/// <param name="Run">The stored results.</param>
/// <param name="Flagged">The (case, metric) pairs its gate called slower or broken, as <see cref="TrendReport.Key"/>;
/// null when it was not gated.</param>
public sealed record TrendRun(string Label, string Source, RunResults Run, IReadOnlySet<string>? Flagged)
{
    public DateTimeOffset StartedAt => Run.StartedAt;
}

/// <summary>
/// The gated metrics across stored runs, oldest first: a markdown table per metric (a row per run, a column per case)
/// and a chart with a line per case, the points the gate flagged marked. What a slow drift looks like, a step at a
/// time, under every single gate's threshold.
/// </summary>
public static class TrendReport
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public const string FlagMark = "⚑";

    /// <summary>Runs in the order they started (then by label, so ties read the same every time).</summary>
    public static IReadOnlyList<TrendRun> Ordered(IEnumerable<TrendRun> runs) =>
        [.. runs.OrderBy(r => r.StartedAt).ThenBy(r => r.Label, StringComparer.Ordinal)];

    public static string Key(string @case, string metric) => @case + "|" + metric;

    /// <summary>The (case, metric) pairs a gate's <c>compare.junit.xml</c> failed (slower or broken).</summary>
    public static IReadOnlySet<string> FlaggedFromJUnit(string xml)
    {
        var flagged = new HashSet<string>(StringComparer.Ordinal);
        foreach (var testcase in XDocument.Parse(xml).Descendants("testcase").Where(t => t.Element("failure") is not null))
        {
            var classname = (string?)testcase.Attribute("classname") ?? "";
            var @case = classname.StartsWith("bench.", StringComparison.Ordinal)
                ? classname["bench.".Length..].Replace('.', '/')
                : classname;
            flagged.Add(Key(@case, (string?)testcase.Attribute("name") ?? ""));
        }

        return flagged;
    }

    /// <summary>The cases that appear in any run, in the order they first appear.</summary>
    public static IReadOnlyList<string> Cases(IReadOnlyList<TrendRun> runs) =>
        [.. runs.SelectMany(r => r.Run.Results.Select(GateComparer.CaseKey)).Distinct()];

    /// <summary>A run's value of a metric for a case: the median over its launches; null when it lacks either.</summary>
    public static double? Value(TrendRun run, string @case, string metric)
    {
        var result = run.Run.Results.FirstOrDefault(r => GateComparer.CaseKey(r) == @case);
        if (result is null)
        {
            return null;
        }

        var values = GateComparer.Values(result, metric).Where(double.IsFinite).Order().ToList();
        return values.Count == 0 ? null
            : values.Count % 2 == 1 ? values[values.Count / 2]
            : (values[(values.Count / 2) - 1] + values[values.Count / 2]) / 2;
    }

    public static string Markdown(IReadOnlyList<TrendRun> runs, IReadOnlyList<GateMetric> metrics, string? chartFile)
    {
        var sb = new StringBuilder();
        sb.AppendLine("# Bench trend");
        sb.AppendLine();
        sb.AppendLine(string.Create(Inv, $"{runs.Count} runs, oldest first, from {runs[0].StartedAt:yyyy-MM-dd HH:mm} to"
            + $" {runs[^1].StartedAt:yyyy-MM-dd HH:mm} UTC.")
            + string.Create(Inv, $" Each value is the median over the run's launches (or blocks); {FlagMark} marks a value")
            + " its run's gate called slower."
            + " A run without a gate beside it (no compare.junit.xml) is \"not gated\".");
        sb.AppendLine();
        if (chartFile is not null)
        {
            sb.AppendLine($"![trend]({chartFile})");
            sb.AppendLine();
        }

        var runTable = new MarkdownTable("#", "run", "started (UTC)", "commit or run", "gate") { Numeric = false };
        for (var i = 0; i < runs.Count; i++)
        {
            var r = runs[i];
            var flags = string.Join(", ", (r.Flagged ?? new HashSet<string>())
                .Order(StringComparer.Ordinal)
                .Select(f => f.Replace('|', ' ')));
            var gate = r.Flagged is null ? "not gated"
                : r.Flagged.Count == 0 ? "no regression"
                : string.Create(Inv, $"flagged {r.Flagged.Count}: {flags}");
            runTable.Row((i + 1).ToString(Inv), r.Source, r.StartedAt.ToString("yyyy-MM-dd HH:mm:ss", Inv), r.Label, gate);
        }

        runTable.WriteTo(sb);
        var cases = Cases(runs);
        foreach (var metric in metrics)
        {
            sb.AppendLine($"## {metric.Name} ({(metric.Better == "lower" ? "lower is better" : "higher is better")})");
            sb.AppendLine();
            var table = new MarkdownTable(["#", "commit or run", .. cases]);
            for (var i = 0; i < runs.Count; i++)
            {
                var r = runs[i];
                table.Row([(i + 1).ToString(Inv), r.Label, .. cases.Select(c => Value(r, c, metric.Name) is { } v
                    ? Format(v, metric.Unit) + (r.Flagged?.Contains(Key(c, metric.Name)) == true ? " " + FlagMark : "")
                    : "–")]);
            }

            table.WriteTo(sb);
        }

        return sb.ToString().ReplaceLineEndings("\n");
    }

    /// <summary>One panel per metric, a line per case across the runs (labelled below), flagged points ringed in red.</summary>
    public static void Chart(IReadOnlyList<TrendRun> runs, IReadOnlyList<GateMetric> metrics, string path)
    {
        var cases = Cases(runs);
        var positions = Enumerable.Range(0, runs.Count).Select(i => (double)i).ToArray();
        var labels = runs.Select((r, i) => string.Create(Inv, $"{i + 1}: {(r.Label.Length > 16 ? r.Label[..16] : r.Label)}")).ToArray();
        Multiplot? figure = null;
        foreach (var metric in metrics)
        {
            var (scale, unit) = metric.Unit == "µs" ? (1000.0, "ms") : (1.0, metric.Unit);
            var plot = ChartTheme.NewPlot($"{metric.Name} across runs", "run (oldest first; commit or run id)", $"{metric.Name} ({unit})");
            var flaggedX = new List<double>();
            var flaggedY = new List<double>();
            foreach (var c in cases)
            {
                var transport = c.Split('/')[1];
                var points = runs
                    .Select((r, i) => (
                        X: (double)i,
                        Y: Value(r, c, metric.Name) / scale,
                        Flag: r.Flagged?.Contains(Key(c, metric.Name)) == true))
                    .Where(p => p.Y is not null).ToList();
                if (points.Count == 0)
                {
                    continue;
                }

                var line = plot.Add.Scatter(
                    points.Select(p => p.X).ToArray(),
                    points.Select(p => p.Y!.Value).ToArray(),
                    ChartTheme.ColorOf(transport));
                line.LegendText = c;
                line.LineWidth = 2.5f;
                line.MarkerShape = ChartTheme.MarkerOf(transport);
                line.MarkerSize = 9;
                line.LinePattern = c.StartsWith("rtt/", StringComparison.Ordinal) ? LinePattern.Solid : ChartTheme.Secondary;
                foreach (var p in points.Where(p => p.Flag))
                {
                    flaggedX.Add(p.X);
                    flaggedY.Add(p.Y!.Value);
                }
            }

            if (flaggedX.Count > 0)
            {
                var flags = plot.Add.ScatterPoints(flaggedX.ToArray(), flaggedY.ToArray(), Colors.Red);
                flags.MarkerShape = MarkerShape.OpenCircle;
                flags.MarkerSize = 22;
                flags.MarkerLineWidth = 3;
                flags.LegendText = "flagged by that run's gate";
            }

            plot.Axes.Bottom.SetTicks(positions, labels);
            plot.Axes.SetLimitsX(-0.5, runs.Count - 0.5);
            plot.Axes.Left.MinimumSize = 110;
            plot.ShowLegend(Edge.Right);
            if (figure is null)
            {
                figure = new Multiplot(plot) { Layout = new ScottPlot.MultiplotLayouts.Rows() };
            }
            else
            {
                figure.AddPlot(plot);
            }
        }

        ChartFile.Save(figure!, path, ChartTheme.Width, 420 * metrics.Count);
    }

    private static string Format(double v, string unit) => unit switch
    {
        "µs" => Formats.Milliseconds(v),
        "/s" => v.ToString("N1", Inv) + "/s",
        _ => v.ToString("N2", Inv),
    };
}
