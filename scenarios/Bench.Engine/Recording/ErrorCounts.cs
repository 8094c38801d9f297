using System.Collections.Concurrent;

namespace Bench.Engine.Recording;

/// <summary>Counts errors by kind, exactly. Kinds are short stable names such as <c>http_500</c> or <c>timeout</c>.</summary>
public sealed class ErrorCounts
{
    private readonly ConcurrentDictionary<string, long> counts = new(StringComparer.Ordinal);

    public void Add(string kind, long count = 1) => counts.AddOrUpdate(kind, count, (_, c) => c + count);

    public long Total => counts.Values.Sum();

    /// <summary>A sorted copy.</summary>
    public SortedDictionary<string, long> Snapshot() => new(counts, StringComparer.Ordinal);
}
