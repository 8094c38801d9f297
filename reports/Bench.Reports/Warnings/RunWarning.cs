namespace Bench.Reports.Warnings;

/// <summary>
/// One thing that makes a case's figures less than they seem: its <see cref="Kind"/>, its measured <see cref="Effect"/>
/// in the kind's unit (null where there is none), the part of the case it concerns (<see cref="Scope"/>, such as
/// <c>launch 2</c> or <c>agent 1</c>; null for the whole case), and its sentence. Made by the kind's own method.
/// </summary>
public sealed record RunWarning
{
    internal RunWarning(WarningKind kind, string sentence, double? effect = null, string? scope = null)
    {
        Kind = kind;
        Sentence = sentence;
        Effect = effect;
        Scope = scope;
    }

    public WarningKind Kind { get; }

    /// <summary>The warning in words, without its scope.</summary>
    public string Sentence { get; }

    /// <summary>How large the effect was, in <see cref="Unit"/>; null when the kind measures none.</summary>
    public double? Effect { get; }

    /// <summary>The unit of <see cref="Effect"/>, the kind's.</summary>
    public string? Unit => Kind.Unit;

    /// <summary>Which part of the case it concerns, outermost first (<c>launch 2: agent 1</c>); null for the whole case.</summary>
    public string? Scope { get; init; }

    /// <summary>The text shown and written to results.json's <c>warnings</c>: the scope, a colon, the sentence.</summary>
    public string Text => Scope is null ? Sentence : $"{Scope}: {Sentence}";

    /// <summary>True when this warning is of <paramref name="kind"/>.</summary>
    public bool Is(WarningKind kind) => Kind.Equals(kind);

    /// <summary>This warning, said of a part of a larger whole: <c>launch 2</c> before any scope it has.</summary>
    public RunWarning In(string scope) => this with { Scope = Scope is null ? scope : $"{scope}: {Scope}" };

    /// <summary>A warning read from a file that gave only its text (written before kinds were): kind <c>other</c>.</summary>
    public static RunWarning Other(string text) => new(WarningKinds.Other, text);

    public override string ToString() => Text;
}
