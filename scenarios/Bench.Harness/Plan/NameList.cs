namespace Bench.Harness.Plan;

/// <summary>Names given on the command line, lower-cased and each once.</summary>
public static class NameList
{
    /// <summary>A comma-separated list (<c>--transport websocket,webhook</c>); the option may also be repeated.</summary>
    public static IReadOnlyList<string> Split(IEnumerable<string>? values) =>
        values is null ? [] : [.. values.SelectMany(v => v.Split(',',
            StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)).Select(v => v.ToLowerInvariant()).Distinct()];
}
