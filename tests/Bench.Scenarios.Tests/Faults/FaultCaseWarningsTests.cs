using Bench.Harness.Scenarios.Faults;
using Bench.Reports.Warnings;

namespace Bench.Scenarios.Tests.Faults;

/// <summary>
/// A fault case leaves out the generic accounting warning by its kind (its losses have their own table), never by
/// the wording of a sentence: a warning of another kind that happens to read the same is kept.
/// </summary>
public sealed class FaultCaseWarningsTests
{
    [Fact]
    public void A_fault_case_drops_the_not_exactly_once_warning_by_kind_and_keeps_every_other()
    {
        var lossy = WarningKinds.NotExactlyOnce.Of(12, 0);
        var pending = WarningKinds.PendingAtEnd.Retrying(4);
        var lookalike = RunWarning.Other(lossy.Text);

        var kept = FaultsScenario.CaseWarnings([lossy, pending, lossy.In("launch 2"), lookalike]);

        Assert.Equal([pending, lookalike], kept);
    }
}
