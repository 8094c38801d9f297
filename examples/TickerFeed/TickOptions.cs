using System.Globalization;

namespace TickerFeed;

/// <summary>
/// How one connection's feed runs, from its query string: <c>symbol</c> (the default is BNCH), <c>rate</c> ticks a second
/// (the default is 100, at most 10,000), and two faults to show what a subscriber sees of a feed that misbehaves:
/// <c>skip=every-N</c> never sends the ticks whose number is a multiple of N, <c>repeat=every-M</c> sends those of M
/// twice (a tick that is both is skipped).
/// </summary>
public sealed record TickOptions(string Symbol, int Rate, int SkipEvery, int RepeatEvery)
{
    public const int MaxRate = 10_000;

    public static TickOptions? Parse(IQueryCollection query, out string? error)
    {
        error = null;
        var symbol = query["symbol"].FirstOrDefault() ?? "BNCH";
        var rate = 100;
        if (query["rate"].FirstOrDefault() is { } r
            && (!int.TryParse(r, CultureInfo.InvariantCulture, out rate) || rate is < 1 or > MaxRate))
        {
            error = $"rate: a whole number of ticks a second, 1 to {MaxRate}";
            return null;
        }

        if (!Every(query["skip"].FirstOrDefault(), out var skip) || !Every(query["repeat"].FirstOrDefault(), out var repeat))
        {
            error = "skip and repeat take every-N, N a whole number from 2";
            return null;
        }

        return new TickOptions(symbol, rate, skip, repeat);
    }

    /// <summary>Whether tick <paramref name="seq"/> is sent, and how many times.</summary>
    public int Copies(long seq) =>
        SkipEvery > 0 && seq % SkipEvery == 0 ? 0 : RepeatEvery > 0 && seq % RepeatEvery == 0 ? 2 : 1;

    private static bool Every(string? text, out int every)
    {
        every = 0;
        if (text is null)
        {
            return true;
        }

        return text.StartsWith("every-", StringComparison.Ordinal)
            && int.TryParse(text.AsSpan(6), NumberStyles.None, CultureInfo.InvariantCulture, out every) && every >= 2;
    }
}
