using System.Text;
using Bench.Reports.Thresholds;

namespace Bench.Reports.Markdown;

/// <summary>The run's thresholds, held against its cases: the first thing a CI reader looks for, so the report opens with it.</summary>
internal sealed class ThresholdsSection : IReportSection
{
    public string Title => "Thresholds";

    public bool IsAvailable(ReportContext report) => report.Run.Thresholds is { Count: > 0 };

    public void Render(StringBuilder sb, ReportContext report) => sb.Append(ThresholdOutput.Markdown(Outcomes(report.Run)));

    /// <summary>The run's thresholds against its results (a results file whose thresholds do not read is refused when read).</summary>
    public static IReadOnlyList<ThresholdOutcome> Outcomes(Model.RunResults run) =>
        ThresholdOutcome.Evaluate([.. (run.Thresholds ?? []).Select(t => Threshold.Parse(t, scenarios: null))], run.Results);
}
