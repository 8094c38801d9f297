using Bench.Harness.Running;

namespace Bench.Scenarios.Tests.Running;

/// <summary>The gate's loopback echo probe: it makes round trips of the asked size, then stops its threads.</summary>
public sealed class EchoProbeTests
{
    [Fact]
    public async Task The_probe_echoes_its_payload_until_stopped_and_summarizes_the_round_trips()
    {
        using var probe = EchoProbe.Start(1024);
        await Task.Delay(EchoProbe.Interval * 20);

        var summary = probe.Stop();

        Assert.NotNull(summary);
        Assert.Equal(1024, summary.PayloadBytes);
        Assert.True(summary.RoundTrips >= 1, "at least one round trip in 20 intervals");
        Assert.InRange(summary.P50Us, 1, summary.P99Us);
    }
}
