using Bench.Harness.Running;
using Bench.Reports.Model;

namespace Bench.Harness.Distributed;

/// <summary>
/// Shards of one or more cases (one run) into one <see cref="RunResults"/>: each case merged, missing shards named in the run's status.
/// </summary>
public static class ShardFiles
{
    public static RunResults Merge(IReadOnlyList<ShardMerge.Named> shards, string commandLine)
    {
        var runIds = shards.Select(s => s.Shard.RunId).Distinct(StringComparer.Ordinal).ToList();
        if (runIds.Count > 1)
        {
            var odd = shards.First(s => s.Shard.RunId != shards[0].Shard.RunId);
            throw new InvalidDataException($"{odd.Name} is from run {odd.Shard.RunId}, not {shards[0].Shard.RunId} ({shards[0].Name}'s)");
        }

        ShardLimits.Check(shards);
        List<ScenarioResult> results;
        try
        {
            results = [.. shards.GroupBy(s => (s.Shard.Result.Scenario, s.Shard.Result.Transport, s.Shard.Result.Variant))
                .Select(g => ShardMerge.Merge([.. g]))];
        }
        catch (Exception e) when (e is OverflowException or ArgumentException)
        {
            // Figures no agent could have written (sums past 2^63, a histogram wider than Bench's): refused, not a crash.
            throw new InvalidDataException($"the shards cannot be merged: {e.Message}", e);
        }

        var missing = results.Where(r => r.Distribution is { MissingShards.Count: > 0 })
            .Select(r => $"{r.Scenario}/{r.Transport}: shard {string.Join(", ", r.Distribution!.MissingShards)} of " +
                $"{r.Distribution.Agents} missing")
            .ToList();
        var startedAt = results.Select(r => r.MeasuredFrom).Where(t => t is not null).DefaultIfEmpty(DateTimeOffset.UtcNow).Min()!.Value;
        return new RunResults
        {
            RunId = runIds[0],
            StartedAt = startedAt,
            Profile = "agents",
            Environment = EnvironmentProbe.Describe(commandLine),
            Results = results,
            Status = missing.Count == 0 ? "complete" : "failed",
            StatusMessage = missing.Count == 0 ? null : string.Join("; ", missing) + " (an agent did not finish; the report " +
                "is the others' shards)",
        };
    }
}
