namespace Bench.Harness;

/// <summary>The exit codes of every bench command (DESIGN.md), plus 130 for a run stopped by Ctrl-C.</summary>
public static class ExitCodes
{
    public const int Ok = 0;
    public const int Regression = 1;
    public const int Usage = 2;
    public const int Inconclusive = 3;
    public const int RunFailed = 4;
    public const int Cancelled = 130;
}
