namespace Bench.Harness.Targets;

/// <summary>What a measured load needs of its target: whether it died unexpectedly, and its resources.</summary>
public interface ITargetHandle
{
    string Name { get; }

    /// <summary>The URL the target listens on.</summary>
    string Url { get; }

    /// <summary>The hub's gRPC URL (a port of its own, HTTP/2 only), when it was started with one; the default is null.</summary>
    string? GrpcUrl => null;

    /// <summary>The bearer token its control routes (<c>/stats</c>, <c>/memory</c>) ask for; null for none. The default is null.</summary>
    string? Token => null;

    /// <summary>Cancelled when the target dies unexpectedly (a restart the scenario made on purpose is not).</summary>
    CancellationToken ExitedToken { get; }

    bool HasExited { get; }

    /// <summary>Whether the target's CPU and memory can be read (a process Bench knows). The default is true.</summary>
    bool ResourcesMeasured => true;

    /// <summary>CPU time used so far (summed over restarts).</summary>
    TimeSpan CpuTime();

    double PeakRssMiB();

    TargetFailedException DiedException(string during);
}
