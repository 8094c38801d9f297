using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Bench.Reports.Markdown;
using Bench.Reports.Metrics;

namespace Bench.Reports.Gate;

/// <summary>
/// The gate's verdict as markdown (for the run folder and a CI job summary) and as JUnit XML (one test case per gated
/// metric).
/// </summary>
public static class GateOutput
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Markdown(GateReport report, string baselineName, string currentName)
    {
        var sb = new StringBuilder();
        sb.AppendLine("## Bench regression gate");
        sb.AppendLine();
        sb.AppendLine(CultureInfo.InvariantCulture, $"Baseline `{baselineName}` against `{currentName}`: **{report.Summary}** (exit"
            + $" {report.ExitCode}).");
        sb.AppendLine();
        foreach (var problem in report.Problems)
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- {problem}");
        }

        if (report.Problems.Count > 0)
        {
            sb.AppendLine();
        }

        var table = new MarkdownTable("case", "metric", "baseline median", "current median", "ratio (95 % CI)", "p-value", "verdict");
        foreach (var r in report.Rows)
        {
            var exact = double.IsNaN(r.PValue) && r.Unit.Length == 0;
            table.Row(r.Case, r.Metric,
                exact ? "0" : Value(r.BaselineMedian, r.Unit),
                exact ? r.CurrentMedian.ToString("N0", Inv) : Value(r.CurrentMedian, r.Unit),
                exact || double.IsNaN(r.Ratio)
                    ? "–"
                    : $"{Formats.Ratio(r.Ratio)} ({r.RatioLow.ToString("0.00", Inv)}–{r.RatioHigh.ToString("0.00", Inv)})",
                exact ? "–" : r.PValue.ToString("0.000", Inv),
                r.Verdict is Verdicts.Slower or Verdicts.Broken ? $"**{r.Verdict}**" : r.Verdict);
        }

        table.WriteTo(sb);
        var gate = report.Gate;
        if (gate.Normalize)
        {
            sb.AppendLine("Latencies are adjusted for each launch's loopback echo probe (`--normalize`): a raw TCP round trip of the"
                + " same payload measured beside the case. Each launch is moved to the typical probe of all launches, by the slope of"
                + " log latency on log probe fitted within each side, so the noise the probe explains is removed; slower code that"
                + " also slows the probe loses part of its change with it.");
            sb.AppendLine();
        }

        var thresholds = string.Join(", ", gate.Metrics.Select(m => string.Create(Inv, $"{m.Name} {m.Threshold:0%}")));
        var rule = report.Paired
            ? string.Create(Inv, $"The launches are paired — each baseline launch ran next to a current one in the same job —")
                + (gate.Estimator == Estimators.HodgesLehmann
                    ? " and the ratio is the Hodges–Lehmann estimate from the pair ratios"
                        + " (the median of their pairwise means, in logarithms)."
                    : " and the ratio is the median of the pair ratios.")
                + " A metric is slower or faster only when the Wilcoxon signed-rank test on the pair ratios"
                + string.Create(Inv, $" gives p < {gate.Alpha},")
                + string.Create(Inv, $" the ratio and its whole 95 % interval moved beyond the metric's threshold ({thresholds}),")
                + " and the move exceeds the spread of the pair ratios (1.4826 × their median absolute deviation)."
            : string.Create(Inv, $"A metric is slower or faster only when the Mann–Whitney U test gives p < {gate.Alpha}")
                + " over the launches,"
                + string.Create(Inv, $" the median ratio and its whole 95 % interval moved beyond the metric's threshold ({thresholds}),")
                + " and the move exceeds the launch-to-launch noise of the noisier side (1.4826 × its median absolute deviation).";
        sb.AppendLine(rule + $" Exact counts ({string.Join(", ", gate.ExactCounts)}) must be 0 in every launch of a run without faults.");
        sb.AppendLine();
        foreach (var r in report.Rows.Where(r => r.Verdict != Verdicts.Same && r.Verdict != Verdicts.Ok))
        {
            sb.AppendLine(CultureInfo.InvariantCulture, $"- **{r.Case} {r.Metric}**: {r.Verdict}: {r.Reason}.");
        }

        return sb.ToString().ReplaceLineEndings("\n");
    }

    public static string JUnit(GateReport report)
    {
        var cases = report.Rows.Select(r =>
        {
            var element = new XElement("testcase",
                new XAttribute("classname", "bench." + r.Case.Replace('/', '.')),
                new XAttribute("name", r.Metric),
                new XAttribute("time", "0"));
            if (r.Verdict is Verdicts.Slower or Verdicts.Broken)
            {
                element.Add(new XElement("failure",
                    new XAttribute("message", $"{r.Verdict}: {r.Reason}"),
                    new XAttribute("type", r.Verdict)));
            }
            else if (r.Verdict == Verdicts.Inconclusive)
            {
                element.Add(new XElement("skipped", new XAttribute("message", $"inconclusive: {r.Reason}")));
            }
            else
            {
                element.Add(new XElement("system-out", $"{r.Verdict}: {r.Reason}"));
            }

            return element;
        }).ToList();
        foreach (var problem in report.Problems)
        {
            cases.Add(new XElement("testcase",
                new XAttribute("classname", "bench.gate"),
                new XAttribute("name", "comparable"),
                new XAttribute("time", "0"),
                new XElement("error", new XAttribute("message", problem))));
        }

        var suite = new XElement("testsuite",
            new XAttribute("name", "bench regression gate"),
            new XAttribute("tests", cases.Count.ToString(Inv)),
            new XAttribute("failures", report.Rows.Count(r => r.Verdict is Verdicts.Slower or Verdicts.Broken).ToString(Inv)),
            new XAttribute("errors", report.Problems.Count.ToString(Inv)),
            new XAttribute("skipped", report.Rows.Count(r => r.Verdict == Verdicts.Inconclusive).ToString(Inv)),
            cases);
        var document = new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("testsuites", suite));
        return document.ToString().ReplaceLineEndings("\n") + "\n";
    }

    private static string Value(double v, string unit) => unit switch
    {
        "µs" => Formats.Milliseconds(v),
        "/s" => v.ToString("N1", Inv) + "/s",
        _ => v.ToString("N2", Inv),
    };
}
