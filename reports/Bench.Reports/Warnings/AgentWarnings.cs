namespace Bench.Reports.Warnings;

/// <summary><c>shard-missing</c>: agents whose shard never arrived, left out of the merge (effect: shards).</summary>
public sealed class ShardMissingWarning() : WarningKind("shard-missing", "shards")
{
    public RunWarning Of(IReadOnlyList<int> missing, int agents, int merged, int mergedSubscribers) => Warn(
        Inv($"shard{(missing.Count > 1 ? "s" : "")} {string.Join(", ", missing)} of {agents} missing: the figures are the other ")
            + Inv($"{merged} agents' ({mergedSubscribers:N0} subscribers); the missing agents' subscribers are not in them, nor are ")
            + "their published events in sent and delivered (their deliveries to the other agents' subscribers are in the latency "
            + "figures).",
        missing.Count);
}
