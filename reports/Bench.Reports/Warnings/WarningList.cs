namespace Bench.Reports.Warnings;

/// <summary>
/// A case's warnings between their typed form and results.json's two arrays: <c>warnings</c> (each warning's text, as
/// Bench has always written it) and <c>warningDetails</c> (its kind, scope, effect and unit, in the same order).
/// </summary>
public static partial class WarningList
{
    /// <summary>
    /// The warnings a results file holds. Without details (a file written before warnings had kinds), or with details
    /// that do not match the texts one for one, every warning is of kind <c>other</c>, its text its sentence.
    /// </summary>
    public static IReadOnlyList<RunWarning> Read(IReadOnlyList<string> texts, IReadOnlyList<WarningDetail>? details)
    {
        if (details is null || details.Count != texts.Count || details.Any(d => d?.Kind is null))
        {
            return [.. texts.Select(RunWarning.Other)];
        }

        return [.. texts.Select((text, i) => Read(text, details[i]))];
    }

    private static RunWarning Read(string text, WarningDetail detail)
    {
        var kind = WarningKinds.Named(detail.Kind, detail.Unit);
        var prefix = detail.Scope + ": ";
        return detail.Scope is { Length: > 0 } scope && text.StartsWith(prefix, StringComparison.Ordinal)
            ? new RunWarning(kind, text[prefix.Length..], detail.Effect, scope)
            : new RunWarning(kind, text, detail.Effect);
    }

    /// <summary>The first thing wrong with a case's <c>warningDetails</c> as "path: what is wrong", or null.</summary>
    public static string? Problem(IReadOnlyList<string> texts, IReadOnlyList<WarningDetail>? details, string path)
    {
        if (details is null)
        {
            return null;
        }

        if (details.Count != texts.Count)
        {
            return $"{path}.warningDetails has {details.Count} entries for {texts.Count} warnings; "
                + "each warning has one detail, in the same order";
        }

        for (var i = 0; i < details.Count; i++)
        {
            var at = $"{path}.warningDetails[{i}]";
            if (Problem(texts[i], details[i], at) is { } problem)
            {
                return problem;
            }
        }

        return null;
    }

    private static string? Problem(string? text, WarningDetail? detail, string at) => detail switch
    {
        null => $"{at} is null",
        { Kind: null } => $"{at}.kind is missing or null",
        { Kind: var kind } when kind.Length > 64 || !KindName().IsMatch(kind) =>
            $"{at}.kind is '{Shown(kind)}'; a kind is lower-case letters and digits joined by hyphens (not-exactly-once)",
        { Scope: { } scope } when text is null || !text.StartsWith(scope + ": ", StringComparison.Ordinal) =>
            $"{at}.scope is '{Shown(scope)}', but the warning's text does not begin with it and a colon",
        { Effect: { } effect } when !double.IsFinite(effect) || effect < 0 => $"{at}.effect is {effect}; it cannot be negative or infinite",
        { Unit: not null, Effect: null } => $"{at}.unit is given without an effect",
        { Unit: { Length: > 32 } unit } => $"{at}.unit is {unit.Length} characters long; at most 32",
        _ => null,
    };

    private static string Shown(string text) =>
        string.Concat((text.Length > 40 ? text[..40] + "…" : text).Select(c => char.IsControl(c) ? '?' : c));

    [System.Text.RegularExpressions.GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$")]
    private static partial System.Text.RegularExpressions.Regex KindName();
}
