namespace Bench.Reports.Gate;

/// <summary>
/// The Mann–Whitney U test, two-sided: exact (the distribution of U counted over every arrangement of ranks) for
/// samples of up to 20 each without ties, the normal approximation with tie correction otherwise.
/// </summary>
public static class MannWhitney
{
    /// <summary>U of <paramref name="a"/> against <paramref name="b"/>: pairs where a wins, ties counting half.</summary>
    public static double U(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        var u = 0.0;
        foreach (var x in a)
        {
            foreach (var y in b)
            {
                u += x > y ? 1 : x == y ? 0.5 : 0;
            }
        }

        return u;
    }

    /// <summary>
    /// The smallest two-sided p-value samples of these sizes can give: every one of one side beyond every one of the
    /// other.
    /// </summary>
    public static double SmallestP(int n, int m)
    {
        // 2 / C(n+m, n), built up as a product to stay exact for the sizes a gate uses.
        var arrangements = 1.0;
        for (var i = 1; i <= Math.Min(n, m); i++)
        {
            arrangements = arrangements * (Math.Max(n, m) + i) / i;
        }

        return Math.Min(1, 2 / arrangements);
    }

    /// <summary>The two-sided p-value of the samples coming from one distribution.</summary>
    public static double TwoSidedP(IReadOnlyList<double> a, IReadOnlyList<double> b)
    {
        if (a.Count == 0 || b.Count == 0)
        {
            return 1;
        }

        var u = U(a, b);
        var n = a.Count;
        var m = b.Count;
        var ties = a.Concat(b).GroupBy(v => v).Any(g => g.Count() > 1);
        if (!ties && n <= 20 && m <= 20)
        {
            // P(U ≤ k) from the count of rank arrangements with each U, built up one element at a time.
            var counts = Distribution(n, m);
            var total = counts.Sum();
            var low = Math.Min(u, n * m - u);
            var tail = 0.0;
            for (var k = 0; k <= (int)Math.Floor(low); k++)
            {
                tail += counts[k];
            }

            return Math.Min(1, 2 * tail / total);
        }

        var all = a.Concat(b).ToList();
        var tieTerm = all.GroupBy(v => v).Sum(g => Math.Pow(g.Count(), 3) - g.Count());
        var nm = (double)n * m;
        var total2 = n + m;
        var sigma = Math.Sqrt(nm / 12 * (total2 + 1 - tieTerm / (total2 * (total2 - 1.0))));
        if (sigma == 0)
        {
            return 1;
        }

        var z = (Math.Abs(u - nm / 2) - 0.5) / sigma;
        return Math.Min(1, 2 * (1 - NormalCdf(Math.Max(0, z))));
    }

    /// <summary>How many of the C(n+m, n) arrangements give each U = 0 … n·m.</summary>
    private static double[] Distribution(int n, int m)
    {
        // f(i, j, u): arrangements of i a's and j b's with U = u; f(i, j, u) = f(i-1, j, u-j) + f(i, j-1, u).
        var table = new double[n + 1, m + 1][];
        for (var i = 0; i <= n; i++)
        {
            for (var j = 0; j <= m; j++)
            {
                var f = new double[(i * j) + 1];
                if (i == 0 || j == 0)
                {
                    f[0] = 1;
                }
                else
                {
                    var left = table[i - 1, j];
                    var up = table[i, j - 1];
                    for (var u = 0; u < f.Length; u++)
                    {
                        f[u] = (u - j >= 0 && u - j < left.Length ? left[u - j] : 0) + (u < up.Length ? up[u] : 0);
                    }
                }

                table[i, j] = f;
            }
        }

        return table[n, m];
    }

    private static double NormalCdf(double z)
    {
        // Abramowitz and Stegun 7.1.26 on erf; error below 1.5e-7.
        var t = 1 / (1 + (0.3275911 * z / Math.Sqrt(2)));
        var poly = t * (0.254829592 + (t * (-0.284496736 + (t * (1.421413741 + (t * (-1.453152027 + (t * 1.061405429))))))));
        var erf = 1 - (poly * Math.Exp(-(z * z) / 2));
        return 0.5 * (1 + erf);
    }
}
