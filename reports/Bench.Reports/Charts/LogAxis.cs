using System.Globalization;
using ScottPlot.TickGenerators;

namespace Bench.Reports.Charts;

/// <summary>Log-scaled axes drawn on plain ones: values are plotted as log10 and ticks are labelled in real units.</summary>
internal static class LogAxis
{
    /// <summary>Milliseconds ticks at 1, 2 and 5 × 10^k covering [minMs, maxMs].</summary>
    public static NumericManual MillisecondTicks(double minMs, double maxMs)
    {
        var ticks = new NumericManual();
        var low = (int)Math.Floor(Math.Log10(Math.Max(minMs, 1e-3)));
        var high = (int)Math.Ceiling(Math.Log10(Math.Max(maxMs, 1e-3)));
        for (var k = low; k <= high; k++)
        {
            foreach (var m in new[] { 1, 2, 5 })
            {
                var v = m * Math.Pow(10, k);
                var label = v.ToString(v < 1 ? "0.###" : "0", CultureInfo.InvariantCulture) + " ms";
                ticks.AddMajor(Math.Log10(v), label);
            }

            for (var m = 3; m <= 9; m++)
            {
                if (m != 5)
                {
                    ticks.AddMinor(Math.Log10(m * Math.Pow(10, k)));
                }
            }
        }

        return ticks;
    }

    /// <summary>
    /// Ticks at 1, 2 and 5 × 10^k covering [min, max] of a log10-plotted count or rate, labelled by
    /// <paramref name="format"/>.
    /// </summary>
    public static NumericManual CountTicks(double min, double max, Func<double, string> format)
    {
        var ticks = new NumericManual();
        var low = (int)Math.Floor(Math.Log10(Math.Max(min, 1)));
        var high = (int)Math.Ceiling(Math.Log10(Math.Max(max, 1)));
        for (var k = low; k <= high; k++)
        {
            foreach (var m in new[] { 1, 2, 5 })
            {
                ticks.AddMajor(Math.Log10(m * Math.Pow(10, k)), format(m * Math.Pow(10, k)));
            }
        }

        return ticks;
    }

    /// <summary>1,000 as "1k", 20,000 as "20k", 500 as "500".</summary>
    public static string Short(double v) => v >= 1000
        ? (v / 1000).ToString("0.#", CultureInfo.InvariantCulture) + "k"
        : v.ToString("0", CultureInfo.InvariantCulture);

    /// <summary>Percentile ticks on an axis of −log10(1 − p): 0 %, 50 %, 90 %, 99 %, … up to <paramref name="maxNines"/>.</summary>
    public static NumericManual PercentileTicks(double maxNines)
    {
        var ticks = new NumericManual();
        ticks.AddMajor(0, "0%");
        ticks.AddMajor(Math.Log10(2), "50%");
        string[] labels = ["90%", "99%", "99.9%", "99.99%", "99.999%", "99.9999%"];
        for (var n = 1; n <= Math.Min(maxNines, labels.Length); n++)
        {
            ticks.AddMajor(n, labels[n - 1]);
        }

        return ticks;
    }

    /// <summary>The position of percentile <paramref name="p"/> (0–100) on the percentile axis.</summary>
    public static double PercentilePosition(double p) => -Math.Log10(1 - (p / 100.0));
}
