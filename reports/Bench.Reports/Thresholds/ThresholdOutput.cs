using System.Globalization;
using System.Text;
using System.Xml.Linq;
using Bench.Reports.Markdown;

namespace Bench.Reports.Thresholds;

/// <summary>
/// Thresholds' outcomes as a markdown table (the top of report.md, and a CI job's step summary) and as JUnit XML (one
/// test case per threshold and case).
/// </summary>
public static class ThresholdOutput
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    /// <summary>One line: how many held, and the exit code they give (1 when any failed).</summary>
    public static string Summary(IReadOnlyList<ThresholdOutcome> outcomes)
    {
        var failed = outcomes.Count(o => !o.Held);
        var held = outcomes.Count - failed;
        return failed == 0
            ? string.Create(Inv, $"**all {held} held** (exit 0)")
            : string.Create(Inv, $"**{failed} of {outcomes.Count} failed** (exit 1)");
    }

    /// <summary>The table of every outcome, under a heading of <paramref name="level"/> (<c>##</c>).</summary>
    public static string Markdown(IReadOnlyList<ThresholdOutcome> outcomes, string level = "##")
    {
        var sb = new StringBuilder();
        sb.AppendLine(level + " Thresholds");
        sb.AppendLine();
        sb.AppendLine("Each case of the scenario a threshold names is held to it: " + Summary(outcomes) + ".");
        sb.AppendLine();
        var table = new MarkdownTable("threshold", "case", "value", "95 % interval", "result");
        foreach (var o in outcomes)
        {
            var metric = o.Threshold.Metric;
            var interval = o.Interval is var (low, high) ? metric.Format(low) + " – " + metric.Format(high) : "–";
            table.Row(
                MarkdownText.Code(o.Threshold.Describe()), MarkdownText.Escape(o.CaseName), metric.Format(o.Value), interval, Result(o));
        }

        table.WriteTo(sb);
        if (outcomes.Any(o => o.Uncertain))
        {
            sb.AppendLine("A result marked *interval crosses the limit* held or failed on the measured value, but its 95 % interval"
                + " reaches the other side: another launch could come out the other way.");
            sb.AppendLine();
        }

        if (outcomes.Any(o => o.Interval is null && o.Case is not null && !double.IsNaN(o.Value)))
        {
            sb.AppendLine("A value without an interval is a single measurement (an exact count, or a figure measured once).");
            sb.AppendLine();
        }

        return sb.ToString().ReplaceLineEndings("\n");
    }

    public static string JUnit(IReadOnlyList<ThresholdOutcome> outcomes)
    {
        var cases = outcomes.Select(o =>
        {
            var element = new XElement("testcase", new XAttribute("classname", "bench.thresholds." + o.CaseName.Replace('/', '.')),
                new XAttribute("name", o.Threshold.Describe()), new XAttribute("time", "0"));
            var what = $"{o.CaseName}: {o.Threshold.Metric.Name} = {o.Threshold.Metric.Format(o.Value)}";
            element.Add(o.Held
                ? new XElement("system-out", "held: " + what)
                : new XElement("failure", new XAttribute("message", $"failed: {what}, not {o.Threshold.Describe()}"),
                    new XAttribute("type", "threshold")));
            return element;
        }).ToList();
        var suite = new XElement("testsuite",
            new XAttribute("name", "bench thresholds"),
            new XAttribute("tests", cases.Count.ToString(Inv)),
            new XAttribute("failures", outcomes.Count(o => !o.Held).ToString(Inv)),
            new XAttribute("errors", "0"),
            new XAttribute("skipped", "0"),
            cases);
        var document = new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("testsuites", suite));
        return document.ToString().ReplaceLineEndings("\n") + "\n";
    }

    private static string Result(ThresholdOutcome o)
    {
        var result = o.Held ? "held" : "**failed**";
        return o.Uncertain ? result + " (interval crosses the limit)" : result;
    }
}
