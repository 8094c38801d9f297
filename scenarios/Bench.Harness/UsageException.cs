namespace Bench.Harness;

/// <summary>
/// Bad usage or configuration, found before anything runs: each problem names its option. A command prints them and
/// exits 2 (<see cref="ExitCodes.Usage"/>); a library never prints them itself.
/// </summary>
public sealed class UsageException(IReadOnlyList<string> problems) : Exception(string.Join(Environment.NewLine, problems))
{
    public UsageException(string problem)
        : this([problem])
    {
    }

    public IReadOnlyList<string> Problems { get; } = problems;

    /// <summary>Throws when <paramref name="problems"/> holds any.</summary>
    public static void ThrowIfAny(List<string> problems)
    {
        if (problems.Count > 0)
        {
            throw new UsageException([.. problems]);
        }
    }
}
