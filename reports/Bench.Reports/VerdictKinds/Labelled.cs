using Bench.Reports.Model;

namespace Bench.Reports.VerdictKinds;

/// <summary>
/// Figures of one case per transport and variant, said the way the verdict says them: "websocket 3,350, with resume 0;
/// sse 4,604" — each transport once, its default first and each variant after it.
/// </summary>
internal static class Labelled
{
    /// <summary>One phrase per transport: its default's figure, then ", with VARIANT figure" for each variant.</summary>
    public static string ByTransport(IEnumerable<ScenarioResult> results, Func<ScenarioResult, string> figure) =>
        string.Join("; ", results.GroupBy(r => r.Transport, StringComparer.Ordinal).Select(g => Phrase(g.Key, [.. g], figure)));

    /// <summary>The variants present, default first, in the order they ran.</summary>
    public static IReadOnlyList<string> Variants(IEnumerable<ScenarioResult> results) =>
        [.. results.Select(r => r.Variant).Distinct(StringComparer.Ordinal).OrderBy(v => v == "default" ? 0 : 1)];

    /// <summary>A case's name in a table: the scenario's own name, with its variant unless default.</summary>
    public static string Case(string name, string variant) => variant == "default" ? name : $"{name} ({variant})";

    /// <summary>"a", "a and b", "a, b and c".</summary>
    public static string And(IReadOnlyList<string> labels) =>
        labels.Count == 1 ? labels[0] : string.Join(", ", labels.Take(labels.Count - 1)) + " and " + labels[^1];

    private static string Phrase(string transport, IReadOnlyList<ScenarioResult> results, Func<ScenarioResult, string> figure)
    {
        var parts = results.OrderBy(r => r.Variant == "default" ? 0 : 1).Select((r, i) => (r, i)).Select(x => x.r.Variant == "default"
            ? $"{transport} {figure(x.r)}"
            : x.i == 0 ? $"{transport} ({x.r.Variant}) {figure(x.r)}" : $"with {x.r.Variant} {figure(x.r)}");
        return string.Join(", ", parts);
    }
}
