namespace Bench.Harness.Running;

/// <summary>Where live progress goes while a scenario runs.</summary>
public interface IProgressSink
{
    void Report(ProgressSnapshot snapshot);

    void Message(string line);
}

/// <summary>One progress reading: where the run is and what the last full second looked like.</summary>
public sealed record ProgressSnapshot(
    string Scenario,
    string Transport,
    double ElapsedSec,
    double TotalSec,
    bool WarmingUp,
    long SentPerSec,
    long DeliveredPerSec,
    long P99Us);

/// <summary>Discards progress (tests).</summary>
public sealed class NullProgressSink : IProgressSink
{
    public static readonly NullProgressSink Instance = new();

    public void Report(ProgressSnapshot snapshot)
    {
    }

    public void Message(string line)
    {
    }
}
