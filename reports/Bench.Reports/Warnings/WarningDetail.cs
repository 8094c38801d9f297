using System.Text.Json.Serialization;

namespace Bench.Reports.Warnings;

/// <summary>
/// A warning as results.json's <c>warningDetails</c> holds it, beside the same warning's text in <c>warnings</c>:
/// its kind's name, its scope (omitted for the whole case), its effect and the effect's unit (omitted where none).
/// </summary>
public sealed record WarningDetail(
    string Kind,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Scope = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] double? Effect = null,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Unit = null)
{
    /// <summary>The detail results.json writes for <paramref name="warning"/>.</summary>
    public static WarningDetail Of(RunWarning warning) => new(warning.Kind.Name, warning.Scope, warning.Effect, warning.Unit);
}
