namespace Bench.Reports.Gate;

/// <summary>
/// <c>--normalize</c>: each launch's latency adjusted for the loopback echo probe measured beside it, as a covariate
/// (the CUPED idea from online experiments). The machine's state during a launch moves a case's latency and the probe's
/// together; the slope of log latency on log probe is fitted within each side (so a change between the sides — the
/// thing being judged — does not enter it), and every launch is moved to the typical probe of all launches:
/// <c>adjusted = latency × (typical probe ÷ launch's probe)^slope</c>. The noise the probe explains is removed, within
/// each side and between them. Should slower code also slow the probe (it shares the cores), part of the change is
/// removed with it: the adjustment can hide a regression a little, never make one up.
/// </summary>
public static class ProbeAdjustment
{
    /// <summary>Both sides' values adjusted for their probes, and the fitted slope (kept within 0 … 2).</summary>
    public static (double[] Baseline, double[] Current, double Slope) Adjust(
        IReadOnlyList<double> baseline,
        IReadOnlyList<double> baselineProbe,
        IReadOnlyList<double> current,
        IReadOnlyList<double> currentProbe)
    {
        var sides = new[] { Logs(baseline, baselineProbe), Logs(current, currentProbe) };
        double sxy = 0, sxx = 0;
        foreach (var (y, x) in sides)
        {
            var my = y.Average();
            var mx = x.Average();
            for (var i = 0; i < y.Length; i++)
            {
                sxy += (x[i] - mx) * (y[i] - my);
                sxx += (x[i] - mx) * (x[i] - mx);
            }
        }

        var slope = sxx == 0 ? 0 : Math.Clamp(sxy / sxx, 0, 2);
        var typical = sides.SelectMany(s => s.X).Average();
        double[] Apply((double[] Y, double[] X) side) => [.. side.Y.Select((y, i) => Math.Exp(y - (slope * (side.X[i] - typical))))];

        return (Apply(sides[0]), Apply(sides[1]), slope);
    }

    private static (double[] Y, double[] X) Logs(IReadOnlyList<double> values, IReadOnlyList<double> probes) =>
        ([.. values.Select(v => Math.Log(v))], [.. probes.Select(p => Math.Log(p))]);
}
