using System.Text;

namespace Bench.Reports.Markdown;

/// <summary>
/// report.md's sections in the order a reader needs them: the answer first, then what could make it wrong, then the
/// figures it rests on, each scenario's own, the scale and fault sections, and how it was all measured. A new
/// section is one type and one line here.
/// </summary>
internal static class ReportSections
{
    public static readonly IReadOnlyList<IReportSection> All =
    [
        new ThresholdsSection(),
        new Verdict(),
        new Claims(),
        new Validity(),
        new Glance(),
        new EnvironmentSection(),
        new ScenarioSections(),
        new ServerFeedSection(),
        new SaturationSection(),
        new ConnectionsSection(),
        new WireSection(),
        new PerMessageCostSection(),
        new Resilience(),
        new SizingSection(),
        new MethodSection(),
    ];

    private sealed class Verdict : IReportSection
    {
        public string Title => "Verdict";

        public bool IsAvailable(ReportContext report) => true;

        public void Render(StringBuilder sb, ReportContext report) => VerdictSection.Write(sb, report.Run, report.Outcomes);
    }

    private sealed class Claims : IReportSection
    {
        public string Title => "Claims";

        public bool IsAvailable(ReportContext report) => report.Run.Suite == "claims";

        public void Render(StringBuilder sb, ReportContext report) => ClaimsSection.Write(sb, report.Run);
    }

    private sealed class Validity : IReportSection
    {
        public string Title => "Run validity";

        public bool IsAvailable(ReportContext report) => true;

        public void Render(StringBuilder sb, ReportContext report) => ValiditySection.Write(sb, report.Run, report.Outcomes);
    }

    /// <summary>At a glance (and what was not applicable), rendered before the verdict, which needs its outcomes.</summary>
    private sealed class Glance : IReportSection
    {
        public string Title => "At a glance";

        public bool IsAvailable(ReportContext report) => true;

        public void Render(StringBuilder sb, ReportContext report) => sb.Append(report.Glance);
    }

    private sealed class Resilience : IReportSection
    {
        public string Title => "Resilience";

        public bool IsAvailable(ReportContext report) => report.Measured.Results.Any(r => r.Resilience is not null);

        public void Render(StringBuilder sb, ReportContext report) =>
            ResilienceSection.Write(sb, report.MeasuredWith(r => r.Resilience is not null));
    }

    private sealed class SizingSection : IReportSection
    {
        public string Title => "Sizing";

        public bool IsAvailable(ReportContext report) => report.Sizing is not null;

        public void Render(StringBuilder sb, ReportContext report)
        {
            var workload = report.Sizing!;
            sb.Append(Sizing.SizingText.Render(workload, Sizing.SizingModel.Size(report.Measured, workload), "this run"));
            sb.AppendLine();
        }
    }
}
