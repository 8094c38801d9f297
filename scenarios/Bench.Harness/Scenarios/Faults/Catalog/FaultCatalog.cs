namespace Bench.Harness.Scenarios.Faults.Catalog;

/// <summary>Every fault the faults scenario knows: adding one is a type in this folder and a line in <see cref="All"/>.</summary>
public static class FaultCatalog
{
    /// <summary>Every fault that can be named, in the order of <c>bench list</c> and of a run.</summary>
    public static readonly IReadOnlyList<Fault> All =
    [
        new DropFault(),
        new RestartFault(),
        new OutageFault(),
        new BlackholeFault(),
        new SlowFault(),
        new OverloadFault(),
        new StormFault(),
    ];

    /// <summary>The faults run when none is named: every one but the heavy (the storm), which is asked for by name.</summary>
    public static readonly IReadOnlyList<Fault> Defaults = [.. All.Where(f => !f.Heavy)];

    /// <summary>The fault of that name, in any case; null when there is none.</summary>
    public static Fault? Find(string name) => All.FirstOrDefault(f => string.Equals(f.Name, name, StringComparison.OrdinalIgnoreCase));
}
