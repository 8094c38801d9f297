namespace Bench.Reports.Warnings;

/// <summary>
/// What a warning is about, named once: a stable <see cref="Name"/> (written to results.json, tested by filters instead
/// of the sentence's wording) and the <see cref="Unit"/> of the effect it measures (null where it measures none). Each
/// kind in <see cref="WarningKinds"/> is its own type whose methods make its sentence; nothing else writes one.
/// </summary>
public class WarningKind
{
    /// <summary>A kind named by a results file this Bench does not know (a newer Bench's, or <see cref="WarningKinds.Other"/>).</summary>
    internal WarningKind(string name, string? unit = null)
    {
        Name = name;
        Unit = unit;
    }

    /// <summary>The stable name, as results.json holds it: lower-case words joined by hyphens (<c>not-exactly-once</c>).</summary>
    public string Name { get; }

    /// <summary>The unit of <see cref="RunWarning.Effect"/> (<c>events</c>, <c>blocks</c> …); null when the kind has no effect.</summary>
    public string? Unit { get; }

    /// <summary>A warning of this kind, with its sentence and the size of its effect in <see cref="Unit"/>.</summary>
    protected RunWarning Warn(string sentence, double? effect = null) => new(this, sentence, effect);

    /// <summary>The sentence, with numbers in the invariant culture.</summary>
    protected static string Inv(FormattableString sentence) => sentence.ToString(System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Kinds are equal by name: a kind read from a file is the kind of that name.</summary>
    public override bool Equals(object? obj) => obj is WarningKind other && string.Equals(Name, other.Name, StringComparison.Ordinal);

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Name);

    public override string ToString() => Name;
}
