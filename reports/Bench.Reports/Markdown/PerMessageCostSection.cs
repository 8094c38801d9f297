using System.Globalization;
using System.Text;

namespace Bench.Reports.Markdown;

/// <summary>"Per-message cost": the run's micro-benchmarks (BenchmarkDotNet), when it has any.</summary>
internal sealed class PerMessageCostSection : IReportSection
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public string Title => "Per-message cost";

    public bool IsAvailable(ReportContext report) => report.Run.Micro.Count > 0;

    public void Render(StringBuilder sb, ReportContext report)
    {
        sb.AppendLine("## Per-message cost");
        sb.AppendLine();
        sb.AppendLine("Micro-benchmarks (BenchmarkDotNet, in process, a short job) of the work each message costs, apart from "
            + "any network: mean time per operation with its 99.9 % error margin, and bytes allocated per operation.");
        sb.AppendLine();
        var table = new MarkdownTable("benchmark", "parameters", "mean", "error", "allocated");
        foreach (var m in report.Run.Micro)
        {
            table.Row($"{m.Type}.{m.Method}", m.Parameters.Length == 0 ? "–" : m.Parameters, Nanoseconds(m.MeanNs),
                "± " + Nanoseconds(m.ErrorNs), m.AllocatedBytes is { } a ? a.ToString("N0", Inv) + " B" : "–");
        }

        table.WriteTo(sb);
    }

    private static string Nanoseconds(double ns) => ns switch
    {
        < 1_000 => ns.ToString("0.0", Inv) + " ns",
        < 1_000_000 => (ns / 1_000).ToString("0.00", Inv) + " µs",
        _ => (ns / 1_000_000).ToString("0.00", Inv) + " ms",
    };
}
