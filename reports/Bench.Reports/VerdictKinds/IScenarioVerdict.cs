using Bench.Reports.Markdown;
using Bench.Reports.Model;

namespace Bench.Reports.VerdictKinds;

/// <summary>
/// One kind of scenario's answer: whether the run holds any of it, the verdict's lines for it, its at-a-glance rows,
/// and which of its figures are single measurements. The verdict is every available kind of
/// <see cref="ScenarioVerdicts.All"/>, in order; a new kind is one type and one line there.
/// </summary>
internal interface IScenarioVerdict
{
    /// <summary>Whether <paramref name="input"/> holds anything of this kind.</summary>
    bool IsAvailable(VerdictInput input);

    /// <summary>
    /// The verdict's lines for this kind, each a bullet of measured figures without its leading dash; a line may carry
    /// sub-bullets of its own (see <see cref="Bullets"/>).
    /// </summary>
    IEnumerable<string> Lines(VerdictInput input);

    /// <summary>This kind's rows in at a glance's table of figures; none when its figures have a table of their own.</summary>
    IEnumerable<GlanceRow> Glance(VerdictInput input);

    /// <summary>What of this kind has no interval, for Run validity ("saturation's highest rates"); null when all do.</summary>
    string? SingleMeasurements(VerdictInput input);
}

/// <summary>Lines of a verdict bullet.</summary>
internal static class Bullets
{
    /// <summary>A bullet's head with its details as sub-bullets under it.</summary>
    public static string Nest(string head, IEnumerable<string> details) =>
        string.Concat(details.Where(d => d.Length > 0).Select(d => "\n  - " + d).Prepend(head));
}

/// <summary>What every kind's verdict is drawn from: the run, its measured results, and what the at-a-glance tables decided.</summary>
internal sealed record VerdictInput(RunResults Run, IReadOnlyList<RowOutcome> Outcomes)
{
    /// <summary>The measured results (an n/a has no figures).</summary>
    public IReadOnlyList<ScenarioResult> Measured { get; } = [.. Run.Results.Where(r => r.IsMeasured)];

    /// <summary>The transports measured, in the order they first ran.</summary>
    public IReadOnlyList<string> Transports => [.. Measured.Select(r => r.Transport).Distinct(StringComparer.Ordinal)];
}

/// <summary>One row of at a glance's table of figures: the case, the figure, each transport's cell, and what it reads as.</summary>
internal sealed record GlanceRow(string Case, string Figure, IReadOnlyDictionary<string, string> Cells, string Reading);
