using System.Buffers.Binary;
using Bench.Reports.Charts;

namespace Bench.Reports.Tests.Charts;

public sealed class ChartSetTests : IDisposable
{
    private readonly string dir = Directory.CreateTempSubdirectory("bench-charts-").FullName;

    public void Dispose() => Directory.Delete(dir, recursive: true);

    [Fact]
    public void Each_scenario_gets_a_percentile_and_a_timeline_chart_of_at_least_1000_by_600()
    {
        var written = ChartSet.Render(Fixtures.Run(), dir);

        Assert.Equal(
            ["push-percentiles.png", "push-timeline.png", "rtt-percentiles.png", "rtt-timeline.png"],
            written.Select(Path.GetFileName).Order(StringComparer.Ordinal));
        foreach (var file in written)
        {
            var (width, height) = PngSize(file);
            Assert.True(width >= 1000 && height >= 600, $"{file} is {width}x{height}");
        }
    }

    [Fact]
    public void A_scenario_without_samples_still_renders()
    {
        var run = Fixtures.Run();
        run.Results[0] = run.Results[0] with { LatencyUs = run.Results[0].LatencyUs with { Count = 0, Histogram = "" }, Timeline = [] };

        var written = ChartSet.Render(run, dir);

        Assert.All(written, f => Assert.True(new FileInfo(f).Length > 0));
    }

    private static (int Width, int Height) PngSize(string path)
    {
        var header = new byte[24];
        using (var f = File.OpenRead(path))
        {
            f.ReadExactly(header);
        }

        Assert.Equal(0x89, header[0]);
        return (BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(16)), BinaryPrimitives.ReadInt32BigEndian(header.AsSpan(20)));
    }
}
