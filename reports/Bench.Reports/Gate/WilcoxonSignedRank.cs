namespace Bench.Reports.Gate;

/// <summary>
/// The Wilcoxon signed-rank test, two-sided, for paired launches: are the differences centred on zero? Zero differences
/// are dropped (Wilcoxon's rule); tied magnitudes share their average rank. The p-value is exact — every assignment of
/// signs to the observed ranks counted — up to 60 pairs, which covers any gate.
/// </summary>
public static class WilcoxonSignedRank
{
    /// <summary>W+: the sum of the ranks of the positive differences.</summary>
    public static double WPlus(IReadOnlyList<double> differences)
    {
        var (ranks, signs) = Rank(differences);
        return ranks.Where((_, i) => signs[i] > 0).Sum();
    }

    /// <summary>The smallest two-sided p-value <paramref name="pairs"/> pairs can give: every difference of one sign.</summary>
    public static double SmallestP(int pairs) => Math.Min(1, 2 / Math.Pow(2, pairs));

    /// <summary>The two-sided p-value of the differences being symmetric about zero.</summary>
    public static double TwoSidedP(IReadOnlyList<double> differences)
    {
        var (ranks, signs) = Rank(differences);
        var n = ranks.Length;
        if (n == 0)
        {
            return 1;
        }

        if (n > 60)
        {
            throw new ArgumentOutOfRangeException(nameof(differences), n, "the exact test is for up to 60 pairs");
        }

        // Ranks are whole or half numbers; doubled, they index a table of how many of the 2^n sign assignments give
        // each W+ (the distribution conditional on the observed ranks, so ties are exact too).
        var doubled = ranks.Select(r => (int)Math.Round(2 * r)).ToArray();
        var counts = new double[doubled.Sum() + 1];
        counts[0] = 1;
        var reach = 0;
        foreach (var r in doubled)
        {
            for (var s = reach; s >= 0; s--)
            {
                counts[s + r] += counts[s];
            }

            reach += r;
        }

        var total = Math.Pow(2, n);
        var w = (int)Math.Round(2 * ranks.Where((_, i) => signs[i] > 0).Sum());
        var below = counts.Take(w + 1).Sum() / total;
        var above = counts.Skip(w).Sum() / total;
        return Math.Min(1, 2 * Math.Min(below, above));
    }

    private static (double[] Ranks, int[] Signs) Rank(IReadOnlyList<double> differences)
    {
        var nonZero = differences.Where(d => d != 0 && double.IsFinite(d)).OrderBy(Math.Abs).ToArray();
        var ranks = new double[nonZero.Length];
        for (var i = 0; i < nonZero.Length;)
        {
            var j = i;
            while (j + 1 < nonZero.Length && Math.Abs(nonZero[j + 1]) == Math.Abs(nonZero[i]))
            {
                j++;
            }

            for (var k = i; k <= j; k++)
            {
                ranks[k] = (i + j + 2) / 2.0;
            }

            i = j + 1;
        }

        return (ranks, [.. nonZero.Select(d => Math.Sign(d))]);
    }
}
