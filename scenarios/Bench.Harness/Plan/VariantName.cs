namespace Bench.Harness.Plan;

/// <summary>
/// A variant is a set of features (<c>tls</c>, <c>compression</c>, <c>cold</c>, <c>wan</c>, …) written joined by
/// <c>+</c> in sorted order (<c>cold+tls</c>), or <c>default</c> when it has none.
/// </summary>
public static class VariantName
{
    public const string Default = "default";

    public static IReadOnlyList<string> Features(string variant) =>
        variant == Default ? [] : variant.Split('+', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public static bool Has(string variant, string feature) => Features(variant).Contains(feature, StringComparer.Ordinal);

    /// <summary>The canonical name of a set of features: sorted, joined by <c>+</c>; <c>default</c> for none.</summary>
    public static string Of(IEnumerable<string> features)
    {
        var sorted = features.Where(f => f != Default).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal).ToList();
        return sorted.Count == 0 ? Default : string.Join('+', sorted);
    }

    /// <summary>A label suffix: empty for default, else "/variant".</summary>
    public static string Suffix(string variant) => variant == Default ? "" : "/" + variant;
}
