namespace Bench.Harness.Scenarios.Faults;

/// <summary>When the fault began and ended (timestamps of the run's clock), as it was injected.</summary>
internal sealed class FaultTimes
{
    public long Start { get; set; }

    public long End { get; set; }

    public bool Injected => Start != 0 && End != 0;
}
