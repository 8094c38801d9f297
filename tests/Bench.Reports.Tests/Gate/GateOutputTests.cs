using Bench.Reports.Gate;

namespace Bench.Reports.Tests.Gate;

/// <summary>The gate's markdown and JUnit output, byte for byte (regenerate with BENCH_UPDATE_SNAPSHOTS=1).</summary>
public sealed class GateOutputTests
{
    private static GateReport Report()
    {
        var baseline = GateTests.Run(
            [GateTests.Launch(1000), GateTests.Launch(1010), GateTests.Launch(990), GateTests.Launch(1005), GateTests.Launch(995)]);
        var current = GateTests.Run(
        [
            GateTests.Launch(1300),
            GateTests.Launch(1310),
            GateTests.Launch(1290, lost: 2),
            GateTests.Launch(1305),
            GateTests.Launch(1295),
        ]);
        return GateComparer.Compare(baseline, current, GateFile.Default);
    }

    [Fact]
    public void The_markdown_table_matches_its_snapshot() =>
        Snapshot.Match("compare.md", GateOutput.Markdown(Report(), "base.json", "20261127-013000"));

    [Fact]
    public void The_junit_file_matches_its_snapshot() =>
        Snapshot.Match("compare.junit.xml", GateOutput.JUnit(Report()));
}
