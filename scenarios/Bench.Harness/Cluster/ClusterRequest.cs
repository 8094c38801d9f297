namespace Bench.Harness.Cluster;

/// <summary>What <c>bench cluster run</c> was asked for, as given; <see cref="ClusterPlan.From"/> checks it.</summary>
public sealed record ClusterRequest
{
    /// <summary>The image every pod runs (the bench command, deploy/k8s/Dockerfile).</summary>
    public string? Image { get; init; }

    /// <summary>Agents: the Indexed Job's completions and parallelism, and the coordinator's <c>--agents</c>.</summary>
    public int? Agents { get; init; }

    /// <summary>The namespace of every object. The default is <c>default</c>.</summary>
    public string? Namespace { get; init; }

    /// <summary>The run id in every object's name and in the <c>bench/run-id</c> label. The default is made from the time.</summary>
    public string? RunId { get; init; }

    /// <summary>The target file (a path on this machine); it goes into the run's ConfigMap.</summary>
    public string? Target { get; init; }

    /// <summary>A folder to write the manifests into instead of applying them.</summary>
    public string? Render { get; init; }

    /// <summary>Where the run folder is copied. The default is results/RUNID.</summary>
    public string? Out { get; init; }

    public string? AgentCpu { get; init; }

    public string? AgentMemory { get; init; }

    public string? CoordinatorCpu { get; init; }

    public string? CoordinatorMemory { get; init; }

    /// <summary>Node labels every pod of the run must have, each <c>key=value</c>.</summary>
    public IReadOnlyList<string> NodeSelectors { get; init; } = [];

    /// <summary>Taints every pod of the run tolerates, each <c>key=value:Effect</c> or <c>key:Effect</c>.</summary>
    public IReadOnlyList<string> Tolerations { get; init; } = [];

    /// <summary>Delete the run's objects once the run folder is copied (or the run failed). The default is yes.</summary>
    public bool Cleanup { get; init; } = true;

    /// <summary>How long to wait for the coordinator to finish. The default is 2 hours.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>The coordinator's <c>bench run</c> arguments beyond the ones the run sets itself.</summary>
    public IReadOnlyList<string> RunArgs { get; init; } = [];
}
